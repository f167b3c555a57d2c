/* catalogue.h — the agency's fixed lists: medical-device activities, device classes,
 * contact-point kinds and the self-check questionnaire, each with its French msgid.
 * Pure data. */
#ifndef PORTIER_PORTAL_CATALOGUE_H
#define PORTIER_PORTAL_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

struct pcat_item {
	const char *code;
	const char *msgid;           /* French label, translated by the caller */
};

extern const struct pcat_item pcat_activities[];
extern const size_t pcat_nactivities;
extern const struct pcat_item pcat_classes[];
extern const size_t pcat_nclasses;
extern const struct pcat_item pcat_contacts[];       /* same order as portal_contact_kinds */
extern const size_t pcat_ncontacts;
extern const struct pcat_item pcat_questions[];      /* the self-check questionnaire */
extern const size_t pcat_nquestions;
extern const struct pcat_item pcat_answers[];        /* yes, no, na */
extern const size_t pcat_nanswers;
extern const struct pcat_item pcat_events[];         /* the history of an activity */
extern const size_t pcat_nevents;

/* The item of that code, or NULL. */
const struct pcat_item *pcat_find(const struct pcat_item *list, size_t n, const char *code);

#endif

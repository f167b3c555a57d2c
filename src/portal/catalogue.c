/* catalogue.c — activities of the medical-device regulation (EU 2017/745 and 2017/746)
 * the agency registers, device classes, contact kinds and the self-check questions. */
#include "portal/catalogue.h"

#include <string.h>

#include "base/msgid.h"

const struct pcat_item pcat_activities[] = {
	{ "distributor", N_("Distributeur") },
	{ "manufacturer", N_("Fabricant") },
	{ "importer", N_("Importateur") },
	{ "authorised_rep", N_("Mandataire") },
	{ "exporter", N_("Exportateur") },
	{ "steriliser", N_("Stérilisateur") },
	{ "assembler", N_("Assembleur de systèmes ou de nécessaires") },
};
const size_t pcat_nactivities = sizeof(pcat_activities) / sizeof(pcat_activities[0]);

const struct pcat_item pcat_classes[] = {
	{ "I", N_("Classe I") },
	{ "IIa", N_("Classe IIa") },
	{ "IIb", N_("Classe IIb") },
	{ "III", N_("Classe III") },
	{ "custom", N_("Sur mesure") },
	{ "ivd_a", N_("DIV classe A") },
	{ "ivd_b", N_("DIV classe B") },
	{ "ivd_c", N_("DIV classe C") },
	{ "ivd_d", N_("DIV classe D") },
};
const size_t pcat_nclasses = sizeof(pcat_classes) / sizeof(pcat_classes[0]);

const struct pcat_item pcat_contacts[] = {
	{ "general", N_("Contact général") },
	{ "materiovigilance", N_("Point de contact matériovigilance") },
	{ "regulatory", N_("Personne chargée de veiller au respect de la réglementation") },
};
const size_t pcat_ncontacts = sizeof(pcat_contacts) / sizeof(pcat_contacts[0]);

const struct pcat_item pcat_questions[] = {
	{ "ce_marking", N_("Les dispositifs portent-ils le marquage CE et sont-ils accompagnés "
	    "de la déclaration de conformité UE ?") },
	{ "labelling", N_("L'étiquetage et la notice d'utilisation sont-ils fournis dans les "
	    "langues nationales ?") },
	{ "storage", N_("Les conditions de stockage et de transport respectent-elles les "
	    "instructions du fabricant ?") },
	{ "register", N_("Tenez-vous un registre des réclamations, des produits non conformes, "
	    "des rappels et des retraits ?") },
	{ "traceability", N_("Pouvez-vous identifier vos fournisseurs et vos clients pour chaque "
	    "dispositif (traçabilité) ?") },
	{ "vigilance", N_("Informez-vous sans délai le fabricant et l'AFMPS lorsqu'un "
	    "dispositif présente un risque grave ?") },
};
const size_t pcat_nquestions = sizeof(pcat_questions) / sizeof(pcat_questions[0]);

const struct pcat_item pcat_answers[] = {
	{ "yes", N_("Oui") },
	{ "no", N_("Non") },
	{ "na", N_("Sans objet") },
};
const size_t pcat_nanswers = sizeof(pcat_answers) / sizeof(pcat_answers[0]);

const struct pcat_item pcat_events[] = {
	{ "declared", N_("Activité déclarée") },
	{ "changed", N_("Classes modifiées") },
	{ "ended", N_("Activité terminée") },
	{ "saved", N_("Dossier enregistré") },
	{ "submitted", N_("Dossier soumis") },
};
const size_t pcat_nevents = sizeof(pcat_events) / sizeof(pcat_events[0]);

const struct pcat_item *
pcat_find(const struct pcat_item *list, size_t n, const char *code)
{
	for (size_t i = 0; code != NULL && i < n; i++)
		if (strcmp(list[i].code, code) == 0)
			return &list[i];
	return NULL;
}

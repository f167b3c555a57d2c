/* forms.c — the exception request form and the activation letter, laid out with pdf.h:
 * what the helpdesk needs to recognise a request (reference, QR code) and to check it
 * against the signed paper, and what a GAP without eID needs to set up access codes. */
#include "pdf/forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/org_id.h"
#include "base/msgid.h"
#include "be/be.h"
#include "pdf/pdf.h"

/* "dd/mm/yyyy" of an ISO date or timestamp. */
static const char *
date(const char *iso, char out[11])
{
	if (iso == NULL || strlen(iso) < 10)
		return "";
	snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	return out;
}

static const char *
country(const char *code, pdf_translate_fn tr, void *arg)
{
	const struct csam_country *c = csam_country(code);

	return c ? tr(arg, c->msgid) : code ? code : "";
}

static const char *
case_label(const char *kind, pdf_translate_fn tr, void *arg)
{
	if (strcmp(kind, "rep_abroad") == 0)
		return tr(arg, N_("Le représentant légal de l'entreprise n'est pas domicilié en "
		    "Belgique"));
	if (strcmp(kind, "rep_company") == 0)
		return tr(arg, N_("Le représentant légal de l'entreprise est une autre "
		    "entreprise"));
	if (strcmp(kind, "no_number") == 0)
		return tr(arg, N_("Pas de numéro d'entreprise : l'organisation est connue par un "
		    "autre identifiant"));
	return tr(arg, N_("L'entreprise est une entreprise étrangère"));
}

static const char *
doc_label(const char *doc, pdf_translate_fn tr, void *arg)
{
	if (strcmp(doc, "passport") == 0)
		return tr(arg, N_("Passeport"));
	if (strcmp(doc, "id_card") == 0)
		return tr(arg, N_("Carte d'identité étrangère"));
	return tr(arg, N_("Titre de séjour"));
}

/* text with {1} replaced by v, as a paragraph: whole, or an error. */
static int
fill(struct pdf *d, const char *text, const char *v)
{
	const char *at = strstr(text, "{1}");
	char *line;
	int n;

	if (at == NULL) {
		pdf_paragraph(d, text, 0);
		return 0;
	}
	n = asprintf(&line, "%.*s%s%s", (int)(at - text), text, v, at + 3);
	if (n < 0)
		return -1;
	pdf_paragraph(d, line, 0);
	free(line);
	return 0;
}

static int
postal_lines(struct pdf *d, const char *postal)
{
	const char *p = postal ? postal : "";

	while (*p != '\0') {
		const char *sep = strstr(p, " | ");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		char *line = strndup(p, n);

		if (line == NULL)
			return -1;
		pdf_paragraph(d, line, 1);
		free(line);
		p += n;
		if (sep != NULL)
			p = sep + 3;
	}
	return 0;
}

void *
pdf_exception_form(const struct csam_exc *x, const char *postal, pdf_translate_fn tr,
    void *arg, size_t *len)
{
	struct pdf *d;
	char when[11], number[16], niss[16];

	d = pdf_new("portier - exception", x->reference);
	if (d == NULL)
		return NULL;
	if (pdf_qr(d, x->reference, 90, x->reference) != 0) {
		pdf_free(d);
		return NULL;
	}
	pdf_title(d, tr(arg, N_("Demande de désignation d'un Gestionnaire d'Accès Principal - "
	    "procédure d'exception")));
	pdf_field(d, tr(arg, N_("Référence")), x->reference);
	pdf_field(d, tr(arg, N_("Introduite le")), date(x->submitted_at, when));
	pdf_space(d, 4);
	pdf_paragraph(d, tr(arg, N_("Imprimez ce formulaire, faites-le dater et signer par le "
	    "représentant légal de l'entreprise et envoyez-le par la poste, avec une copie de "
	    "son document d'identité, à l'adresse indiquée au bas de ce formulaire. La demande "
	    "sera traitée dès réception du formulaire signé.")), 0);

	pdf_heading(d, tr(arg, N_("Cas")));
	pdf_paragraph(d, case_label(x->case_kind, tr, arg), 0);

	pdf_heading(d, tr(arg, N_("L'entreprise")));
	if (x->enterprise[0]) {
		be_enterprise_format(x->enterprise, number);
		pdf_field(d, tr(arg, N_("Numéro d'entreprise")), number);
	} else if (x->id_type != NULL && x->id_type[0]) {
		/* No enterprise number: the identifier under its type's name (the helpdesk's
		 * number is assigned at the approval). */
		char shown[ORG_ID_VALUE_MAX + 8], line[ORG_ID_VALUE_MAX + 160];
		const char *m = org_id_type_msgid(x->id_type);

		org_id_show(x->id_type, x->id_value, shown, sizeof(shown));
		snprintf(line, sizeof(line), "%s%s%s", m ? tr(arg, m) : x->id_type,
		    shown[0] ? " " : "", shown);
		pdf_field(d, tr(arg, N_("Identifiant")), line);
	} else {
		pdf_field(d, tr(arg, N_("Pays")), country(x->company_country, tr, arg));
		pdf_field(d, tr(arg, N_("Numéro d'enregistrement ou de TVA")), x->company_reg);
	}
	pdf_field(d, tr(arg, N_("Nom de l'entreprise")), x->company_name);
	pdf_field(d, tr(arg, N_("Adresse")), x->company_address);

	pdf_heading(d, tr(arg, N_("Le représentant légal")));
	if (strcmp(x->rep_kind, "company") == 0) {
		pdf_field(d, tr(arg, N_("Entreprise qui représente l'entreprise")),
		    x->rep_company_name);
		pdf_field(d, tr(arg, N_("Numéro d'entreprise ou d'enregistrement")),
		    x->rep_company_number);
		pdf_field(d, tr(arg, N_("Pays")), country(x->rep_company_country, tr, arg));
		pdf_paragraph(d, tr(arg, N_("La personne physique qui représente cette "
		    "entreprise et signe la demande :")), 1);
	}
	pdf_field(d, tr(arg, N_("Nom")), x->rep_last_name);
	pdf_field(d, tr(arg, N_("Prénom")), x->rep_first_name);
	pdf_field(d, tr(arg, N_("Date de naissance")), date(x->rep_birth_date, when));
	pdf_field(d, tr(arg, N_("Nationalité")), country(x->rep_nationality, tr, arg));
	pdf_field(d, tr(arg, N_("Pays de domicile")), country(x->rep_country, tr, arg));
	pdf_field(d, tr(arg, N_("Adresse du domicile")), x->rep_address);
	pdf_field(d, tr(arg, N_("Document d'identité")), doc_label(x->rep_doc_type, tr, arg));
	pdf_field(d, tr(arg, N_("Numéro du document")), x->rep_doc_number);
	pdf_field(d, tr(arg, N_("Pays de délivrance")), country(x->rep_doc_country, tr, arg));

	pdf_heading(d, tr(arg, N_("Gestionnaire d'Accès Principal")));
	if (strlen(x->gap_niss) == 11)
		be_niss_format(x->gap_niss, niss);
	pdf_field(d, tr(arg, N_("Numéro de registre national ou numéro BIS")),
	    strlen(x->gap_niss) == 11 ? niss : x->gap_niss);
	pdf_field(d, tr(arg, N_("Nom")), x->gap_last_name);
	pdf_field(d, tr(arg, N_("Prénom")), x->gap_first_name);
	pdf_field(d, tr(arg, N_("Carte d'identité électronique")), x->gap_has_eid ?
	    tr(arg, N_("Oui")) : tr(arg, N_("Non : lettre d'activation par la poste")));

	pdf_heading(d, tr(arg, N_("Données de contact")));
	pdf_field(d, tr(arg, N_("E-mail")), x->contact_email);
	pdf_field(d, tr(arg, N_("Téléphone")), x->contact_phone);

	pdf_heading(d, tr(arg, N_("Déclaration")));
	pdf_paragraph(d, tr(arg, N_("Je soussigné(e), représentant légal de l'entreprise, "
	    "demande la désignation du Gestionnaire d'Accès Principal ci-dessus. Je confirme que "
	    "ces données sont complètes et correctes et que je ne dispose ni d'une carte "
	    "d'identité électronique belge (eID) ni d'une carte électronique pour étrangers. Je "
	    "signalerai immédiatement tout changement de Gestionnaire d'Accès Principal.")), 0);
	pdf_box(d, tr(arg, N_("Date, nom et signature du représentant légal")), 70);

	pdf_heading(d, tr(arg, N_("À envoyer par la poste à")));
	if (postal_lines(d, postal) != 0) {
		pdf_free(d);
		return NULL;
	}
	pdf_space(d, 6);
	pdf_paragraph(d, tr(arg, N_("Questions : par téléphone au 02/511.51.51, par courriel : "
	    "centredecontact@eranova.fgov.be.")), 0);
	return pdf_finish(d, len);
}

void *
pdf_activation_letter(const struct csam_letter *l, const char *activate_url,
    pdf_translate_fn tr, void *arg, size_t *len)
{
	char until[16] = "";
	time_t t = (time_t)l->expires_at;
	struct tm tm;
	struct pdf *d = pdf_new("portier - activation", l->reference);

	if (d == NULL)
		return NULL;
	if (localtime_r(&t, &tm) != NULL)
		strftime(until, sizeof(until), "%d/%m/%Y", &tm);
	pdf_title(d, tr(arg, N_("Lettre d'activation de vos codes d'accès")));
	pdf_field(d, tr(arg, N_("Destinataire")), l->gap_name);
	pdf_field(d, tr(arg, N_("Organisation")), l->org_name);
	pdf_field(d, tr(arg, N_("Référence de la demande")), l->reference);
	pdf_space(d, 6);
	pdf_paragraph(d, tr(arg, N_("Vous avez été désigné(e) Gestionnaire "
	    "d'Accès Principal de l'organisation ci-dessus. Comme vous ne disposez pas d'une "
	    "carte d'identité électronique, voici votre code d'activation personnel : il vous "
	    "permet de créer vos codes d'accès (nom d'utilisateur et mot de passe), puis "
	    "d'enregistrer une application mobile ou une carte token.")), 0);
	pdf_heading(d, tr(arg, N_("Code d'activation")));
	pdf_title(d, l->code);
	pdf_field(d, tr(arg, N_("Valable jusqu'au")), until);
	pdf_heading(d, tr(arg, N_("Comment faire ?")));
	if (fill(d, tr(arg, N_("1. Rendez-vous sur la page « Activer mes codes "
	    "d'accès » : {1}")), activate_url) != 0) {
		pdf_free(d);
		return NULL;
	}
	pdf_paragraph(d, tr(arg, N_("2. Introduisez ce code, choisissez votre nom d'utilisateur "
	    "et votre mot de passe.")), 0);
	pdf_paragraph(d, tr(arg, N_("3. Le code ne sert qu'une fois et expire à la date "
	    "indiquée. Ne le communiquez à personne : le helpdesk ne vous le demandera jamais.")),
	    0);
	pdf_space(d, 6);
	pdf_paragraph(d, tr(arg, N_("Questions : par téléphone au 02/511.51.51, par courriel : "
	    "centredecontact@eranova.fgov.be.")), 0);
	return pdf_finish(d, len);
}

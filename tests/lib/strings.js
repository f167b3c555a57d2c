// strings.js — the texts the tests expect in each language, written out by hand from the
// French reference and its translations (po/*.po), so that a lost or wrong translation
// shows up as a failing test.
export const LANGS = ['fr', 'nl', 'de', 'en'];

export const T = {
  fr: {
    home: 'Gestion des accès pour entreprises et organisations',
    help: 'Aide',
    404: 'Page introuvable',
    405: 'Méthode non autorisée',
    400: 'Requête invalide',
    413: 'Requête trop volumineuse',
    403: 'Accès refusé',
    rid: 'Identifiant de la requête : ',
    switcher: 'Changer de langue',
  },
  nl: {
    home: 'Toegangsbeheer voor ondernemingen en organisaties',
    help: 'Help',
    404: 'Pagina niet gevonden',
    405: 'Methode niet toegestaan',
    400: 'Ongeldige aanvraag',
    413: 'Aanvraag te groot',
    403: 'Toegang geweigerd',
    rid: 'Aanvraag-ID: ',
    switcher: 'Taal wijzigen',
  },
  de: {
    home: 'Zugriffsverwaltung für Unternehmen und Organisationen',
    help: 'Hilfe',
    404: 'Seite nicht gefunden',
    405: 'Methode nicht zulässig',
    400: 'Ungültige Anfrage',
    413: 'Anfrage zu groß',
    403: 'Zugriff verweigert',
    rid: 'Anfrage-ID: ',
    switcher: 'Sprache ändern',
  },
  en: {
    home: 'Access management for enterprises and organisations',
    help: 'Help',
    404: 'Page not found',
    405: 'Method not allowed',
    400: 'Invalid request',
    413: 'Request too large',
    403: 'Access denied',
    rid: 'Request ID: ',
    switcher: 'Change language',
  },
};

/** The localised title of an error status (414 and 431 share 413's text). */
export function errorTitle(lang, status) {
  const key = status === 414 || status === 431 ? 413 : status;
  const t = T[lang][key];
  if (t === undefined) throw new Error(`no expected title for ${status}`);
  return t;
}

/* msgid.h — marks a French text in C code as a message of the UI catalogues.
 * N_("…") does nothing at run time; xgettext -kN_ collects it for po/ checks. */
#ifndef PORTIER_BASE_MSGID_H
#define PORTIER_BASE_MSGID_H

#define N_(s) (s)

#endif

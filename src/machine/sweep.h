/* sweep.h — the thread that writes the expiry mails of system certificates (60, 30 and 7
 * days before their end), started by the instance beside the mail runner. */
#ifndef PORTIER_MACHINE_SWEEP_H
#define PORTIER_MACHINE_SWEEP_H

#include "mail/mail.h"
#include "store/store.h"

struct machine_sweeper;
/* Starts the thread: a sweep at once, then every seconds. 0 or -1. */
int machine_sweeper_start(struct store *s, const struct mail_texts *mt, int seconds,
    struct machine_sweeper **out);
/* Stops and frees it; NULL accepted. */
void machine_sweeper_stop(struct machine_sweeper *w);

#endif

/* backend_names.h — renames store.h's functions to a backend's own (STORE_BACKEND_NAME(x):
 * sqlite_store_x, pg_store_x) so that a backend's source keeps store.h's names and both
 * backends link into one binary; store.c dispatches to them through their ops table.
 * Included first by a backend, after defining STORE_BACKEND_NAME. store_exec and
 * store_query keep their names: a backend that runs its own statements (migrations) goes
 * through the dispatcher, which holds the one variadic wrapper of each. */
#ifndef PORTIER_STORE_BACKEND_NAMES_H
#define PORTIER_STORE_BACKEND_NAMES_H

#define store_open STORE_BACKEND_NAME(open)
#define store_close STORE_BACKEND_NAME(close)
#define store_migrate STORE_BACKEND_NAME(migrate)
#define store_begin STORE_BACKEND_NAME(begin)
#define store_bulk_begin STORE_BACKEND_NAME(bulk_begin)
#define store_commit STORE_BACKEND_NAME(commit)
#define store_rollback STORE_BACKEND_NAME(rollback)
#define store_exec_vals STORE_BACKEND_NAME(exec_vals)
#define store_load STORE_BACKEND_NAME(load)
#define store_load_begin STORE_BACKEND_NAME(load_begin)
#define store_load_rows STORE_BACKEND_NAME(load_rows)
#define store_load_end STORE_BACKEND_NAME(load_end)
#define store_changes STORE_BACKEND_NAME(changes)
#define store_next STORE_BACKEND_NAME(next)
#define store_text STORE_BACKEND_NAME(text)
#define store_int STORE_BACKEND_NAME(int)
#define store_blob STORE_BACKEND_NAME(blob)
#define store_null STORE_BACKEND_NAME(null)
#define store_done STORE_BACKEND_NAME(done)
#define store_script STORE_BACKEND_NAME(script)

#endif

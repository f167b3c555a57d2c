/* import_people.h — `portier import functions` and `portier import persons` (import.c's
 * table of sources calls these; argv[0] is the source's name). */
#ifndef PORTIER_CMD_IMPORT_PEOPLE_H
#define PORTIER_CMD_IMPORT_PEOPLE_H

int import_functions(int argc, char **argv);
int import_persons(int argc, char **argv);

#endif

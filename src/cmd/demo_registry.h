/* demo_registry.h — the registry part of the demo world (demo_seed.c calls it first). */
#ifndef PORTIER_CMD_DEMO_REGISTRY_H
#define PORTIER_CMD_DEMO_REGISTRY_H

struct store;

/* When no enterprise is loaded, imports the demo fixture through the import services:
 * <share>/demo/kbo (a full KBO extract), demo/persons.csv, demo/functions.csv (see
 * docs/demo-world.md). A registry that has enterprises is left alone. Returns 0 or -1. */
int demo_registry_seed(struct store *s);

#endif

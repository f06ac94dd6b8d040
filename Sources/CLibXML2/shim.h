#ifndef CREWPLAN_CLIBXML2_SHIM_H
#define CREWPLAN_CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU; its ICU enum clashes with Foundation's _FoundationICU module.
   SAML parsing needs no ICU conversions, so hide them (see shared/FACTS.md). */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/c14n.h>

/* xmlFree is a global function pointer; Swift 6 refuses to read it, so wrap it. */
static inline void clibxml2_free(void *p) { xmlFree(p); }
#endif

#ifndef CREWPLAN_CHIREDIS_SHIM_H
#define CREWPLAN_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif

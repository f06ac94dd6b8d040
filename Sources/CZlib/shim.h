#ifndef CREWPLAN_CZLIB_SHIM_H
#define CREWPLAN_CZLIB_SHIM_H
#include <zlib.h>
#endif

#include "geo/access/catchment.h"

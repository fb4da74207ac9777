#include "geo/access/access_ratio.h"

#include "geo/access/recommend.h"

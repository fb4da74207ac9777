#include "geo/access/alliance.h"

#include "geo/access/catchment.h"

#include <gtest/gtest.h>

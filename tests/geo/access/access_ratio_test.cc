#include "geo/access/access_ratio.h"

#include <gtest/gtest.h>

#include "geo/access/recommend.h"

#include <gtest/gtest.h>

#include "geo/access/alliance.h"

#include <gtest/gtest.h>

#include "server/store/store.h"

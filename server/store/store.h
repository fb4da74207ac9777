#ifndef CARERACH_SERVER_STORE_STORE_H_
#define CARERACH_SERVER_STORE_STORE_H_

namespace carereach::store {}  // namespace carereach::store

#endif  // CARERACH_SERVER_STORE_STORE_H_

/* val_tls_o2.c - val_tls.c at -O2. */
#include "val_tls.c"

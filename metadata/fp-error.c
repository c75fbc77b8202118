#include "fp-error.h"

G_DEFINE_QUARK (fauxpak-error-quark, fp_error)

#include "fp-seccomp.h"
#include "fp-error.h"
#include "fp-seccomp-programs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The rules, and why each is there, are in fp-seccomp-rules.c; the
 * program libseccomp made of them at build time is picked here by the
 * features that change it. */
int
fp_seccomp_create_filter_fd (const FpContext *context,
                             GError         **error)
{
  static const FpFeatures features[] = {
    FP_FEATURE_DEVEL, FP_FEATURE_MULTIARCH, FP_FEATURE_BLUETOOTH, FP_FEATURE_CANBUS,
  };
  const FpSeccompProgram *program;
  guint index = 0;
  const guint8 *data;
  gsize left;
  int fd;

  for (gsize i = 0; i < G_N_ELEMENTS (features); i++)
    if (fp_context_has (context, FP_FLAGS_FEATURES, features[i]))
      index |= features[i];
  program = &fp_seccomp_programs[index];

  /* A memfd, sealed like the other data bwrap reads: nothing else can have
   * it open, and nobody can change the program once it is written. */
  fd = memfd_create ("fauxpak-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot build the seccomp filter: memfd_create: %s", g_strerror (saved_errno));
      return -1;
    }
  for (data = program->data, left = program->size; left > 0;)
    {
      ssize_t written = write (fd, data, left);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          int saved_errno = errno;

          close (fd);
          g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                       "cannot build the seccomp filter: writing it: %s", g_strerror (saved_errno));
          return -1;
        }
      data += written;
      left -= written;
    }
  if (fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
      lseek (fd, 0, SEEK_SET) < 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, FP_ERROR, FP_ERROR_SANDBOX_SETUP,
                   "cannot build the seccomp filter: sealing it: %s", g_strerror (saved_errno));
      return -1;
    }
  return fd;
}

gboolean
fp_seccomp_add_bwrap_args (FpBwrap         *bwrap,
                           const FpContext *context,
                           GError         **error)
{
  g_autofree char *fd_text = NULL;
  int fd = fp_seccomp_create_filter_fd (context, error);

  if (fd < 0)
    return FALSE;
  fd_text = g_strdup_printf ("%d", fp_bwrap_take_fd (bwrap, fd));
  fp_bwrap_add_args (bwrap, "--seccomp", fd_text, NULL);
  return TRUE;
}

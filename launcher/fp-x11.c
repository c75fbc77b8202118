#include "config.h"
#include "fp-x11.h"
#include "fp-error.h"
#include "fp-module.h"

#include <X11/Xauth.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Part of the X11 protocol, which Xauth.h does not name. */
#define FAMILY_INTERNET6 6

void
fp_x11_display_clear (FpX11Display *display)
{
  g_clear_pointer (&display->number, g_free);
  g_clear_pointer (&display->socket, g_free);
  g_clear_pointer (&display->remote_host, g_free);
}

gboolean
fp_x11_parse_display (const char *value, FpX11Display *display, GError **error)
{
  /* The last colon: "[::1]:0" has others. */
  const char *colon = strrchr (value, ':');
  const char *end;

  *display = (FpX11Display) { 0 };
  if (colon == NULL || !g_ascii_isdigit (colon[1]))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "DISPLAY=%s names no display number (expected :N, host:N or unix:N)", value);
      return FALSE;
    }
  for (end = colon + 1; g_ascii_isdigit (*end); end++)
    ;
  display->number = g_strndup (colon + 1, end - colon - 1);
  if (colon == value || g_str_has_prefix (value, "unix:"))
    {
      display->family = FamilyLocal;
      display->socket = g_strconcat ("/tmp/.X11-unix/X", display->number, NULL);
    }
  else if (value[0] == '[' && colon > value + 1 && colon[-1] == ']')
    {
      display->family = FAMILY_INTERNET6;
      display->remote_host = g_strndup (value + 1, colon - value - 2);
    }
  else
    {
      display->family = FamilyWild;
      display->remote_host = g_strndup (value, colon - value);
    }
  return TRUE;
}

static gboolean
field_is (const char *text, const char *field, unsigned short length)
{
  return text != NULL && strlen (text) == length && memcmp (text, field, length) == 0;
}

/* The rules Flatpak applies to each entry (xauth_entry_should_propagate). */
static gboolean
entry_opens (const Xauth *entry, const FpX11Display *display, const char *hostname)
{
  if (display->family != FamilyWild && entry->family != display->family && entry->family != FamilyWild)
    return FALSE;
  /* Another machine's cookie, unless it is the remote display's own. */
  if (entry->family != FamilyWild && entry->family != FamilyLocal &&
      !field_is (display->remote_host, entry->address, entry->address_length))
    return FALSE;
  if (entry->family == FamilyLocal && !field_is (hostname, entry->address, entry->address_length) &&
      !field_is (g_getenv ("XAUTHLOCALHOSTNAME"), entry->address, entry->address_length))
    return FALSE;
  return entry->number == NULL || field_is (display->number, entry->number, entry->number_length);
}

/* The cookie file, when it is a regular file. With home granted the app
 * can put a FIFO there: opened plainly, every later launch (and the host's
 * X clients) would wait on it forever. */
static FILE *
open_cookie_file (const char *path)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  FILE *file;

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || (file = fdopen (fd, "rb")) == NULL)
    {
      close (fd);
      return NULL;
    }
  return file;
}

/* libXau, loaded the first time a sandbox gets an X11 display: a launch
 * without one (most, and every one of a Wayland session's apps) no longer
 * pays for its loading. */
typedef struct {
  char  *(*file_name) (void);
  Xauth *(*read_auth) (FILE *auth_file);
  int    (*write_auth) (FILE *auth_file, Xauth *auth);
  void   (*dispose_auth) (Xauth *auth);
} XauFunctions;

static const XauFunctions *
load_xau (GError **error)
{
  static XauFunctions xau;
  static gboolean loaded;
  const FpModuleSymbol symbols[] = {
    { "XauFileName", (gpointer *) &xau.file_name },
    { "XauReadAuth", (gpointer *) &xau.read_auth },
    { "XauWriteAuth", (gpointer *) &xau.write_auth },
    { "XauDisposeAuth", (gpointer *) &xau.dispose_auth },
  };

  if (!fp_module_load (FAUXPAK_LIBXAU, symbols, G_N_ELEMENTS (symbols), &loaded, FP_ERROR_SANDBOX_SETUP,
                       "cannot load libXau, which X11 needs for the display's cookies", error))
    return NULL;
  return &xau;
}

GBytes *
fp_x11_xauthority_for (const FpX11Display *display, GError **error)
{
  const XauFunctions *xau = load_xau (error);
  const char *path;
  g_autofree char *buffer = NULL;
  size_t length = 0;
  struct utsname names;
  FILE *input;
  FILE *output;
  Xauth *entry;

  if (xau == NULL)
    return NULL;
  path = xau->file_name ();
  if (uname (&names) != 0 || path == NULL || (input = open_cookie_file (path)) == NULL)
    return g_bytes_new (NULL, 0);
  output = open_memstream (&buffer, &length);
  if (output == NULL)
    {
      fclose (input);
      return g_bytes_new (NULL, 0);
    }
  while ((entry = xau->read_auth (input)) != NULL)
    {
      if (entry_opens (entry, display, names.nodename))
        {
          Xauth copy = *entry;

          /* Recorded under an old hostname: the sandbox's is the current one. */
          if (copy.family == FamilyLocal && !field_is (names.nodename, copy.address, copy.address_length))
            {
              copy.address = names.nodename;
              copy.address_length = strlen (names.nodename);
            }
          xau->write_auth (output, &copy);
        }
      xau->dispose_auth (entry);
    }
  fclose (input);
  fclose (output);
  return g_bytes_new_take (g_steal_pointer (&buffer), length);
}

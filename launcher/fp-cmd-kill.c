/* fauxpak kill: ends a sandbox, or every sandbox of an app id. */
#include "fp-cmd.h"
#include "fp-instance.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* How long kill waits for a sandbox to be gone, so that the next
 * `fauxpak ps` no longer lists it. */
#define KILL_WAIT_MS 5000

static gboolean
process_gone (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  end = strrchr (stat, ')');
  return end == NULL || end[1] == '\0' || end[2] == 'Z' || end[2] == 'X';
}

int
fp_cmd_kill (int argc, char **argv)
{
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  int status = 0;

  if (!fp_cmd_parse ("INSTANCE|APP-ID", "End a running sandbox; an app id ends every instance of it.",
                     entries, &argc, &argv, &error))
    return fp_cmd_refuse ("kill: %s", error->message);
  if (argc != 2)
    return fp_cmd_refuse ("kill: expected one INSTANCE or APP-ID (fauxpak ps lists them)");
  instances = fp_cmd_find_instances (argv[1], &error);
  if (instances == NULL)
    return fp_cmd_refuse ("kill: %s", error->message);

  /* The sandbox's pid 1 (bwrap's init): the kernel ends every process of
   * its pid namespace with it, however the app forked, and bwrap, which
   * waits for it, exits then. */
  for (guint i = 0; i < instances->len; i++)
    {
      const FpInstanceSummary *s = g_ptr_array_index (instances, i);
      pid_t target = s->child_pid > 0 ? s->child_pid : s->pid;

      if (target <= 0 || kill (target, SIGKILL) != 0)
        status = fp_cmd_refuse ("kill: cannot end instance %s (pid %d): %s", s->id, (int) target,
                                target <= 0 ? "it has no pid" : g_strerror (errno));
    }
  for (guint i = 0; i < instances->len; i++)
    {
      const FpInstanceSummary *s = g_ptr_array_index (instances, i);

      for (int waited = 0; waited < KILL_WAIT_MS && !(process_gone (s->child_pid) && process_gone (s->pid)); waited += 10)
        g_usleep (10 * 1000);
    }
  /* Gone from flatpak ps and the portals' view now, not at the next launch. */
  fp_instance_collect_garbage ();
  return status;
}

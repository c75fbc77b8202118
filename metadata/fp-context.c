#include "fp-context.h"
#include "fp-error.h"
#include "fp-expand.h"
#include "fp-suggest.h"

#include <gio/gio.h>
#include <string.h>

/* Bit order matches the enums in fp-context.h. */
static const char *const shared_names[] = { "network", "ipc", NULL };
static const char *const socket_names[] = {
  "x11", "wayland", "pulseaudio", "session-bus", "system-bus", "fallback-x11",
  "ssh-auth", "pcsc", "cups", "gpg-agent", "inherit-wayland-socket", "pipewire", NULL
};
static const char *const device_names[] = { "dri", "all", "kvm", "shm", "input", "usb", NULL };
static const char *const feature_names[] = {
  "devel", "multiarch", "bluetooth", "canbus", "per-app-dev-shm", NULL
};

static const char *const *const flag_names[FP_FLAGS_N_KINDS] = {
  shared_names, socket_names, device_names, feature_names,
};
static const char *const flag_keys[FP_FLAGS_N_KINDS] = {
  "shared", "sockets", "devices", "features",
};

/* Locations Flatpak's --filesystem understands besides absolute and ~/ paths. */
static const char *const filesystem_special[] = {
  "host", "host-os", "host-etc", "home", NULL
};
static const char *const filesystem_xdg_prefixes[] = {
  "xdg-desktop", "xdg-documents", "xdg-download", "xdg-music", "xdg-pictures",
  "xdg-public-share", "xdg-templates", "xdg-videos", "xdg-run", "xdg-config",
  "xdg-cache", "xdg-data", NULL
};

const char *const *
fp_context_flag_names (FpFlagsKind kind)
{
  return flag_names[kind];
}

const char *
fp_context_flags_key (FpFlagsKind kind)
{
  return flag_keys[kind];
}

FpBind *
fp_bind_new (FpBindKind kind, const char *source, const char *dest, gboolean optional)
{
  FpBind *bind = g_new0 (FpBind, 1);

  bind->kind = kind;
  bind->source = g_strdup (source);
  bind->dest = g_strdup (dest);
  bind->optional = optional;
  return bind;
}

char *
fp_bind_to_option (const FpBind *bind)
{
  static const char *const options[] = {
    [FP_BIND_RW] = "bind", [FP_BIND_RO] = "ro-bind", [FP_BIND_DEV] = "dev-bind", [FP_BIND_TMPFS] = "tmpfs",
  };

  if (bind->kind == FP_BIND_TMPFS)
    return g_strdup_printf ("--tmpfs=%s", bind->dest);
  return g_strdup_printf ("--%s=%s:%s", options[bind->kind], bind->source, bind->dest);
}

void
fp_bind_free (FpBind *bind)
{
  if (bind == NULL)
    return;
  g_free (bind->source);
  g_free (bind->dest);
  g_free (bind);
}

FpContext *
fp_context_new (void)
{
  FpContext *context = g_new0 (FpContext, 1);

  context->filesystems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  context->persistent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  context->env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  context->session_bus_policy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  context->system_bus_policy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  context->session_bus_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  context->session_bus_broadcasts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  context->system_bus_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  context->system_bus_broadcasts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  context->binds = g_ptr_array_new_with_free_func ((GDestroyNotify) fp_bind_free);
  context->cwd_filesystems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return context;
}

void
fp_context_free (FpContext *context)
{
  if (context == NULL)
    return;
  g_hash_table_unref (context->filesystems);
  g_hash_table_unref (context->persistent);
  g_hash_table_unref (context->env);
  g_hash_table_unref (context->session_bus_policy);
  g_hash_table_unref (context->system_bus_policy);
  g_hash_table_unref (context->session_bus_calls);
  g_hash_table_unref (context->session_bus_broadcasts);
  g_hash_table_unref (context->system_bus_calls);
  g_hash_table_unref (context->system_bus_broadcasts);
  g_ptr_array_unref (context->binds);
  g_hash_table_unref (context->cwd_filesystems);
  g_free (context);
}

void
fp_context_make_sandboxed (FpContext *context)
{
  /* Multiarch stays, as in Flatpak: it is how the app's code runs, not
   * what it may reach. */
  for (int kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    {
      guint32 keep = kind == FP_FLAGS_FEATURES ? FP_FEATURE_MULTIARCH : 0;

      context->valid[kind] &= keep;
      context->enabled[kind] &= keep;
    }
  g_hash_table_remove_all (context->filesystems);
  g_hash_table_remove_all (context->persistent);
  g_hash_table_remove_all (context->session_bus_policy);
  g_hash_table_remove_all (context->system_bus_policy);
  g_hash_table_remove_all (context->session_bus_calls);
  g_hash_table_remove_all (context->session_bus_broadcasts);
  g_hash_table_remove_all (context->system_bus_calls);
  g_hash_table_remove_all (context->system_bus_broadcasts);
  g_ptr_array_set_size (context->binds, 0);
}

gboolean
fp_context_has (const FpContext *context, FpFlagsKind kind, guint32 flag)
{
  return (context->enabled[kind] & flag) != 0;
}

static void
merge_table (GHashTable *base, GHashTable *overlay, gboolean string_values)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, overlay);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (base, g_strdup (key), string_values ? g_strdup (value) : value);
}

/* Rule lists replace per name, as policies do. */
static void
merge_rules_table (GHashTable *base, GHashTable *overlay)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, overlay);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (base, g_strdup (key), g_strdupv (value));
}

void
fp_context_merge (FpContext *base, const FpContext *overlay)
{
  GHashTableIter iter;
  gpointer key;

  for (int kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    {
      base->enabled[kind] = (base->enabled[kind] & ~overlay->valid[kind]) |
                            (overlay->enabled[kind] & overlay->valid[kind]);
      base->valid[kind] |= overlay->valid[kind];
    }
  if (g_hash_table_contains (overlay->filesystems, FP_FILESYSTEM_HOST_RESET))
    g_hash_table_remove_all (base->filesystems);
  merge_table (base->filesystems, overlay->filesystems, FALSE);
  /* persistent is a set: its values are its own keys, which must not be
   * copied as values pointing into `overlay`. */
  g_hash_table_iter_init (&iter, overlay->persistent);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (base->persistent, g_strdup (key));
  g_hash_table_iter_init (&iter, overlay->cwd_filesystems);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (base->cwd_filesystems, g_strdup (key));
  merge_table (base->env, overlay->env, TRUE);
  merge_table (base->session_bus_policy, overlay->session_bus_policy, FALSE);
  merge_table (base->system_bus_policy, overlay->system_bus_policy, FALSE);
  merge_rules_table (base->session_bus_calls, overlay->session_bus_calls);
  merge_rules_table (base->session_bus_broadcasts, overlay->session_bus_broadcasts);
  merge_rules_table (base->system_bus_calls, overlay->system_bus_calls);
  merge_rules_table (base->system_bus_broadcasts, overlay->system_bus_broadcasts);
  for (guint i = 0; i < overlay->binds->len; i++)
    {
      const FpBind *bind = g_ptr_array_index (overlay->binds, i);
      g_ptr_array_add (base->binds, fp_bind_new (bind->kind, bind->source, bind->dest, bind->optional));
    }
}

static char *
join_names (const char *const *names)
{
  return g_strjoinv (", ", (char **) names);
}

gboolean
fp_context_set_flag_by_name (FpContext   *context,
                             FpFlagsKind  kind,
                             const char  *name,
                             gboolean     enable,
                             GError     **error)
{
  const char *const *names = flag_names[kind];

  if (name[0] == '!')
    {
      name++;
      enable = !enable;
    }
  for (guint bit = 0; names[bit] != NULL; bit++)
    if (g_str_equal (names[bit], name))
      {
        context->valid[kind] |= 1u << bit;
        if (enable)
          context->enabled[kind] |= 1u << bit;
        else
          context->enabled[kind] &= ~(1u << bit);
        return TRUE;
      }

  g_autofree char *expected = join_names (names);
  g_autofree char *suggestion = fp_suggest_text (name, names);
  g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
               "unknown %s value \"%s\"; expected one of: %s%s",
               flag_keys[kind], name, expected, suggestion);
  return FALSE;
}


gboolean
fp_filesystem_parse (const char        *entry,
                     char             **location,
                     FpFilesystemMode  *mode,
                     GError           **error)
{
  g_autofree char *loc = NULL;
  const char *colon;
  FpFilesystemMode m = FP_FILESYSTEM_READ_WRITE;
  gboolean known = FALSE;

  if (!fp_text_check ("filesystem entry", entry, error))
    return FALSE;

  colon = strrchr (entry, ':');
  if (colon != NULL)
    {
      if (g_str_equal (colon, ":ro"))
        m = FP_FILESYSTEM_READ_ONLY;
      else if (g_str_equal (colon, ":rw"))
        m = FP_FILESYSTEM_READ_WRITE;
      else if (g_str_equal (colon, ":create"))
        m = FP_FILESYSTEM_CREATE;
      else
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "filesystem \"%s\" has an unknown mode \"%s\"; expected :ro, :rw or :create",
                       entry, colon);
          return FALSE;
        }
      loc = g_strndup (entry, colon - entry);
    }
  else
    loc = g_strdup (entry);

  /* Flatpak tolerates a trailing slash; one spelling keeps merging exact. */
  while (strlen (loc) > 1 && g_str_has_suffix (loc, "/"))
    loc[strlen (loc) - 1] = '\0';

  /* Flatpak's other spelling of ~/… (Brave's manifest uses it). */
  if (g_str_has_prefix (loc, "home/"))
    {
      char *tilde = g_strconcat ("~/", loc + strlen ("home/"), NULL);
      g_free (loc);
      loc = tilde;
    }
  if (g_strv_contains (filesystem_special, loc) || loc[0] == '/' ||
      g_str_equal (loc, "~") || g_str_has_prefix (loc, "~/"))
    known = TRUE;
  for (guint i = 0; !known && filesystem_xdg_prefixes[i] != NULL; i++)
    {
      const char *prefix = filesystem_xdg_prefixes[i];
      gsize len = strlen (prefix);

      if (g_str_has_prefix (loc, prefix) && (loc[len] == '\0' || loc[len] == '/'))
        known = TRUE;
    }
  if (!known)
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "filesystem \"%s\" is not an absolute path, ~/path, home/path, host, host-os, host-etc, home or xdg-*[/path]",
                   entry);
      return FALSE;
    }
  if (fp_path_has_dotdot (loc))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "filesystem \"%s\" contains \"..\"; name the directory itself", entry);
      return FALSE;
    }
  /* As Flatpak: all of $XDG_RUNTIME_DIR is the session's buses, sockets
   * and every running app's instance; only something inside it is a grant. */
  if (g_str_has_prefix (loc, "xdg-run") && (loc[7] == '\0' || loc[7] == '/'))
    {
      /* loc + 7 is "" or "/…"; a "//" prefix would survive canonicalizing. */
      g_autofree char *canonical = g_canonicalize_filename (loc[7] != '\0' ? loc + 7 : "/", "/");

      if (g_str_equal (canonical, "/"))
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "filesystem \"%s\": xdg-run needs a sub-path (xdg-run/NAME), as under Flatpak; "
                       "all of $XDG_RUNTIME_DIR would share the session's buses and other apps' instances",
                       entry);
          return FALSE;
        }
    }

  /* One spelling per place, so that --nofilesystem=~/docs revokes a
   * profile's "$HOME/docs" and the keyfile reads as Flatpak's would. */
  if (g_str_equal (loc, "~"))
    {
      g_free (loc);
      loc = g_strdup ("home");
    }
  else if (loc[0] == '/')
    {
      const char *home = g_get_home_dir ();
      gsize home_len = strlen (home);

      if (home_len > 1 && strncmp (loc, home, home_len) == 0 && loc[home_len] == '/')
        {
          char *relative = g_strconcat ("~", loc + home_len, NULL);
          g_free (loc);
          loc = relative;
        }
      else if (home_len > 1 && g_str_equal (loc, home))
        {
          g_free (loc);
          loc = g_strdup ("home");
        }
    }

  *location = g_steal_pointer (&loc);
  *mode = m;
  return TRUE;
}

gboolean
fp_context_add_filesystem (FpContext  *context,
                           const char *entry,
                           gboolean    enable,
                           GError    **error)
{
  g_autofree char *location = NULL;
  FpFilesystemMode mode;

  if (entry[0] == '!')
    {
      entry++;
      enable = !enable;
    }
  /* Flatpak's --nofilesystem=host:reset (!host:reset in a keyfile, which
   * Flatpak writes first): no filesystem of this layer or the ones below,
   * then whatever follows it. */
  if (g_str_equal (entry, "host:reset") || g_str_equal (entry, FP_FILESYSTEM_HOST_RESET))
    {
      if (enable)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "filesystem \"host:reset\" only takes grants away; expected --nofilesystem=host:reset or !host:reset");
          return FALSE;
        }
      g_hash_table_remove_all (context->filesystems);
      g_hash_table_replace (context->filesystems, g_strdup ("host"), GINT_TO_POINTER (FP_FILESYSTEM_NONE));
      g_hash_table_replace (context->filesystems, g_strdup (FP_FILESYSTEM_HOST_RESET),
                            GINT_TO_POINTER (FP_FILESYSTEM_NONE));
      return TRUE;
    }
  if (!fp_filesystem_parse (entry, &location, &mode, error))
    return FALSE;
  g_hash_table_replace (context->filesystems, g_steal_pointer (&location),
                        GINT_TO_POINTER (enable ? mode : FP_FILESYSTEM_NONE));
  return TRUE;
}

gboolean
fp_context_add_persistent (FpContext  *context,
                           const char *dir,
                           GError    **error)
{
  if (!fp_text_check ("persist directory", dir, error))
    return FALSE;
  if (dir[0] == '\0' || dir[0] == '/' || fp_path_has_dotdot (dir))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "persist directory \"%s\" must be a relative path inside home without \"..\"",
                   dir);
      return FALSE;
    }
  g_hash_table_add (context->persistent, g_strdup (dir));
  return TRUE;
}

/* A name, or with `pattern` a glob of names (* and ?). */
static gboolean
is_valid_env_name (const char *name, gboolean pattern)
{
  if (name[0] == '\0' || g_ascii_isdigit (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && !(pattern && (*p == '*' || *p == '?')))
      return FALSE;
  return TRUE;
}

gboolean
fp_env_name_is_pattern (const char *name)
{
  return strpbrk (name, "*?") != NULL;
}

gboolean
fp_context_set_env (FpContext  *context,
                    const char *name,
                    const char *value,
                    GError    **error)
{
  if (!is_valid_env_name (name, value == NULL))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "environment variable name \"%s\" is invalid; expected letters, digits and '_'%s",
                   name, fp_env_name_is_pattern (name) ? " (a pattern with * or ? can only be unset, with null)" : "");
      return FALSE;
    }
  /* A newline would survive GKeyFile escaping but confuses every reader of
   * [Environment]; nothing legitimate needs one. */
  if (value != NULL && !fp_text_check ("environment value", value, error))
    return FALSE;
  g_hash_table_replace (context->env, g_strdup (name), g_strdup (value));
  return TRUE;
}

const char *
fp_policy_to_string (FpPolicy policy)
{
  switch (policy)
    {
    case FP_POLICY_SEE: return "see";
    case FP_POLICY_TALK: return "talk";
    case FP_POLICY_OWN: return "own";
    case FP_POLICY_NONE:
    default: return "none";
    }
}

static gboolean
is_valid_bus_name_pattern (const char *name)
{
  g_autofree char *plain = NULL;

  if (g_str_has_suffix (name, ".*"))
    plain = g_strndup (name, strlen (name) - 2);
  else
    plain = g_strdup (name);
  return g_dbus_is_name (plain) && !g_dbus_is_unique_name (plain);
}

gboolean
fp_context_set_bus_policy (FpContext  *context,
                           gboolean    system_bus,
                           const char *name,
                           const char *policy,
                           GError    **error)
{
  FpPolicy p;

  if (!is_valid_bus_name_pattern (name))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "\"%s\" is not a D-Bus well-known name (optionally ending in .*)", name);
      return FALSE;
    }
  if (g_str_equal (policy, "none"))
    p = FP_POLICY_NONE;
  else if (g_str_equal (policy, "see"))
    p = FP_POLICY_SEE;
  else if (g_str_equal (policy, "talk"))
    p = FP_POLICY_TALK;
  else if (g_str_equal (policy, "own"))
    p = FP_POLICY_OWN;
  else
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "bus policy \"%s\" for %s is unknown; expected none, see, talk or own",
                   policy, name);
      return FALSE;
    }
  g_hash_table_replace (system_bus ? context->system_bus_policy : context->session_bus_policy,
                        g_strdup (name), GINT_TO_POINTER (p));
  return TRUE;
}

/* METHOD in "[METHOD][@PATH]": *, an interface, interface.* or
 * interface.Method (which also reads as an interface name). */
static gboolean
is_valid_rule_method (const char *method)
{
  g_autofree char *interface = NULL;

  if (g_str_equal (method, "*"))
    return TRUE;
  if (g_str_has_suffix (method, ".*"))
    interface = g_strndup (method, strlen (method) - 2);
  else
    interface = g_strdup (method);
  return g_dbus_is_interface_name (interface);
}

static gboolean
is_valid_rule_path (const char *path)
{
  g_autofree char *plain = NULL;

  if (g_str_equal (path, "/*"))
    return TRUE;
  plain = g_str_has_suffix (path, "/*") ? g_strndup (path, strlen (path) - 2) : g_strdup (path);
  return g_variant_is_object_path (plain);
}

static gboolean
is_valid_bus_rule (const char *rule)
{
  const char *at = strchr (rule, '@');
  g_autofree char *method = at ? g_strndup (rule, at - rule) : g_strdup (rule);

  if (rule[0] == '\0')
    return FALSE;
  if (method[0] != '\0' && !is_valid_rule_method (method))
    return FALSE;
  return at == NULL || is_valid_rule_path (at + 1);
}

GHashTable *
fp_context_bus_rules (const FpContext *context,
                      gboolean         system_bus,
                      gboolean         broadcast)
{
  if (system_bus)
    return broadcast ? context->system_bus_broadcasts : context->system_bus_calls;
  return broadcast ? context->session_bus_broadcasts : context->session_bus_calls;
}

gboolean
fp_context_set_bus_rules (FpContext         *context,
                          gboolean           system_bus,
                          gboolean           broadcast,
                          const char        *name,
                          const char *const *rules,
                          GError           **error)
{
  if (!is_valid_bus_name_pattern (name))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "\"%s\" is not a D-Bus well-known name (optionally ending in .*)", name);
      return FALSE;
    }
  for (guint i = 0; rules[i] != NULL; i++)
    if (!is_valid_bus_rule (rules[i]))
      {
        g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                     "%s rule \"%s\" for %s is not [METHOD][@PATH]: METHOD is *, an interface "
                     "(optionally ending in .*) or interface.Method, PATH an object path "
                     "(optionally ending in /*)",
                     broadcast ? "broadcast" : "call", rules[i], name);
        return FALSE;
      }
  g_hash_table_replace (fp_context_bus_rules (context, system_bus, broadcast),
                        g_strdup (name), g_strdupv ((char **) rules));
  return TRUE;
}

/* "SRC[:DST]" for --bind and friends; a missing DST means the same path. */
static gboolean
add_bind_option (FpContext *context, FpBindKind kind, const char *option,
                 const char *value, GError **error)
{
  g_autofree char *source = NULL;
  g_autofree char *dest = NULL;
  const char *colon;

  if (!fp_text_check (option, value, error))
    return FALSE;
  if (kind == FP_BIND_TMPFS)
    dest = g_strdup (value);
  else
    {
      colon = strchr (value, ':');
      source = colon ? g_strndup (value, colon - value) : g_strdup (value);
      dest = g_strdup (colon ? colon + 1 : value);
    }
  if ((source != NULL && source[0] != '/') || dest[0] != '/' ||
      (source != NULL && fp_path_has_dotdot (source)) || fp_path_has_dotdot (dest))
    {
      g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                   "--%s=%s: expected absolute paths without \"..\", as SRC[:DEST]",
                   option, value);
      return FALSE;
    }
  g_ptr_array_add (context->binds, fp_bind_new (kind, source, dest, FALSE));
  return TRUE;
}

static const char *const option_names[] = {
  "share", "unshare", "socket", "nosocket", "device", "nodevice", "allow",
  "disallow", "filesystem", "nofilesystem", "persist", "env", "unset-env",
  "talk-name", "no-talk-name", "own-name", "see-name", "system-talk-name",
  "system-no-talk-name", "system-own-name", "system-see-name",
  "bind", "ro-bind", "dev-bind", "tmpfs", NULL
};

const char *const *
fp_context_option_names (void)
{
  return option_names;
}

/* Ours, not flatpak run's: a raw bind puts any host path anywhere, which
 * Flatpak's vocabulary cannot say, and see-name exists only in metadata. */
static const char *const fauxpak_only_option_names[] = {
  "bind", "ro-bind", "dev-bind", "tmpfs", "see-name", "system-see-name", NULL
};

const char *const *
fp_context_fauxpak_only_option_names (void)
{
  return fauxpak_only_option_names;
}

gboolean
fp_context_apply_option (FpContext  *context,
                         const char *name,
                         const char *value,
                         GError    **error)
{
  static const struct {
    const char *name;
    FpFlagsKind kind;
    gboolean enable;
  } flag_options[] = {
    { "share", FP_FLAGS_SHARED, TRUE }, { "unshare", FP_FLAGS_SHARED, FALSE },
    { "socket", FP_FLAGS_SOCKETS, TRUE }, { "nosocket", FP_FLAGS_SOCKETS, FALSE },
    { "device", FP_FLAGS_DEVICES, TRUE }, { "nodevice", FP_FLAGS_DEVICES, FALSE },
    { "allow", FP_FLAGS_FEATURES, TRUE }, { "disallow", FP_FLAGS_FEATURES, FALSE },
  };
  static const struct {
    const char *name;
    gboolean system_bus;
    const char *policy;
  } bus_options[] = {
    { "talk-name", FALSE, "talk" }, { "no-talk-name", FALSE, "none" },
    { "own-name", FALSE, "own" }, { "see-name", FALSE, "see" },
    { "system-talk-name", TRUE, "talk" }, { "system-no-talk-name", TRUE, "none" },
    { "system-own-name", TRUE, "own" }, { "system-see-name", TRUE, "see" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (flag_options); i++)
    if (g_str_equal (name, flag_options[i].name))
      {
        if (!fp_context_set_flag_by_name (context, flag_options[i].kind, value,
                                          flag_options[i].enable, error))
          return FALSE;
        /* As flatpak run's --socket: fallback-x11 brings x11 along (and
         * --nosocket takes both); which one is used is decided at launch. */
        if (flag_options[i].kind == FP_FLAGS_SOCKETS && g_str_equal (value, "fallback-x11"))
          return fp_context_set_flag_by_name (context, FP_FLAGS_SOCKETS, "x11", flag_options[i].enable, error);
        return TRUE;
      }
  for (gsize i = 0; i < G_N_ELEMENTS (bus_options); i++)
    if (g_str_equal (name, bus_options[i].name))
      return fp_context_set_bus_policy (context, bus_options[i].system_bus, value,
                                        bus_options[i].policy, error);

  if (g_str_equal (name, "filesystem"))
    return fp_context_add_filesystem (context, value, TRUE, error);
  if (g_str_equal (name, "nofilesystem"))
    return fp_context_add_filesystem (context, value, FALSE, error);
  if (g_str_equal (name, "persist"))
    return fp_context_add_persistent (context, value, error);
  if (g_str_equal (name, "env"))
    {
      const char *eq = strchr (value, '=');
      g_autofree char *var = NULL;

      if (eq == NULL)
        {
          g_set_error (error, FP_ERROR, FP_ERROR_INVALID_ARGUMENT,
                       "--env=%s: expected VAR=VALUE", value);
          return FALSE;
        }
      var = g_strndup (value, eq - value);
      return fp_context_set_env (context, var, eq + 1, error);
    }
  if (g_str_equal (name, "unset-env"))
    return fp_context_set_env (context, value, NULL, error);
  if (g_str_equal (name, "bind"))
    return add_bind_option (context, FP_BIND_RW, name, value, error);
  if (g_str_equal (name, "ro-bind"))
    return add_bind_option (context, FP_BIND_RO, name, value, error);
  if (g_str_equal (name, "dev-bind"))
    return add_bind_option (context, FP_BIND_DEV, name, value, error);
  if (g_str_equal (name, "tmpfs"))
    return add_bind_option (context, FP_BIND_TMPFS, name, value, error);

  g_set_error (error, FP_ERROR, FP_ERROR_NOT_FOUND,
               "--%s is not a permission option", name);
  return FALSE;
}

static int
compare_key_pointers (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
fp_sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_key_pointers);
  return keys;
}

static const char *
filesystem_mode_suffix (FpFilesystemMode mode)
{
  switch (mode)
    {
    case FP_FILESYSTEM_READ_ONLY: return ":ro";
    case FP_FILESYSTEM_CREATE: return ":create";
    case FP_FILESYSTEM_READ_WRITE:
    case FP_FILESYSTEM_NONE:
    default: return "";
    }
}

static void
save_policy_group (GKeyFile *keyfile, const char *group, GHashTable *policies, gboolean with_revocations)
{
  g_autoptr(GPtrArray) names = fp_sorted_keys (policies);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      FpPolicy policy = GPOINTER_TO_INT (g_hash_table_lookup (policies, name));

      /* Flatpak's flattened form (.flatpak-info) leaves out a name the app
       * may not see; an override says "none", which revokes it. */
      if (policy != FP_POLICY_NONE || with_revocations)
        g_key_file_set_string (keyfile, group, name, fp_policy_to_string (policy));
    }
}

/* `with_revocations`: also what the context takes away ("!x11",
 * "!home", unset-environment), as a Flatpak override keyfile says it;
 * .flatpak-info lists only what this instance has (and, as Flatpak's
 * does, the variables it unsets). */
static void
save_keyfile (const FpContext *context,
              GKeyFile        *keyfile,
              gboolean         with_revocations)
{
  g_autoptr(GPtrArray) filesystems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fs_keys = fp_sorted_keys (context->filesystems);
  g_autoptr(GPtrArray) persistent = fp_sorted_keys (context->persistent);
  g_autoptr(GPtrArray) env_keys = fp_sorted_keys (context->env);
  g_autoptr(GPtrArray) unset_env = g_ptr_array_new ();

  for (int kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      for (guint bit = 0; flag_names[kind][bit] != NULL; bit++)
        if (context->enabled[kind] & (1u << bit))
          g_ptr_array_add (names, g_strdup (flag_names[kind][bit]));
        else if (with_revocations && (context->valid[kind] & (1u << bit)))
          g_ptr_array_add (names, g_strconcat ("!", flag_names[kind][bit], NULL));
      if (names->len > 0)
        g_key_file_set_string_list (keyfile, "Context", flag_keys[kind],
                                    (const char *const *) names->pdata, names->len);
    }

  for (guint i = 0; i < fs_keys->len; i++)
    {
      const char *location = g_ptr_array_index (fs_keys, i);
      FpFilesystemMode mode = GPOINTER_TO_INT (g_hash_table_lookup (context->filesystems, location));

      if (mode == FP_FILESYSTEM_NONE)
        {
          if (with_revocations)
            g_ptr_array_add (filesystems, g_strconcat ("!", location, NULL));
          continue;
        }
      g_ptr_array_add (filesystems, g_strconcat (location, filesystem_mode_suffix (mode), NULL));
    }
  /* Raw binds at their own path are filesystem grants the portals should know. */
  for (guint i = 0; i < context->binds->len; i++)
    {
      const FpBind *bind = g_ptr_array_index (context->binds, i);

      if (bind->kind == FP_BIND_TMPFS || !g_str_equal (bind->source, bind->dest))
        continue;
      g_ptr_array_add (filesystems, g_strconcat (bind->dest,
                                                 bind->kind == FP_BIND_RO ? ":ro" : "", NULL));
    }
  if (filesystems->len > 0)
    g_key_file_set_string_list (keyfile, "Context", "filesystems",
                                (const char *const *) filesystems->pdata, filesystems->len);
  /* Every raw bind, as the option that makes it: Flatpak's keys cannot say
   * a source mounted elsewhere, and nothing the sandbox gets goes unsaid. */
  if (context->binds->len > 0)
    {
      g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < context->binds->len; i++)
        g_ptr_array_add (binds, fp_bind_to_option (g_ptr_array_index (context->binds, i)));
      g_key_file_set_string_list (keyfile, "Fauxpak", "binds",
                                  (const char *const *) binds->pdata, binds->len);
    }
  if (persistent->len > 0)
    g_key_file_set_string_list (keyfile, "Context", "persistent",
                                (const char *const *) persistent->pdata, persistent->len);

  save_policy_group (keyfile, "Session Bus Policy", context->session_bus_policy, with_revocations);
  save_policy_group (keyfile, "System Bus Policy", context->system_bus_policy, with_revocations);

  /* An unset variable as Flatpak writes it, in .flatpak-info and in an
   * override alike: in [Context] unset-environment, and as VAR= in
   * [Environment] for readers older than that key. */
  for (guint i = 0; i < env_keys->len; i++)
    {
      const char *name = g_ptr_array_index (env_keys, i);
      const char *value = g_hash_table_lookup (context->env, name);

      /* A pattern ("*TOKEN*") is no variable: only unset-environment says it. */
      if (!fp_env_name_is_pattern (name))
        g_key_file_set_string (keyfile, "Environment", name, value ? value : "");
      if (value == NULL)
        g_ptr_array_add (unset_env, (gpointer) name);
    }
  if (unset_env->len > 0)
    g_key_file_set_string_list (keyfile, "Context", "unset-environment",
                                (const char *const *) unset_env->pdata, unset_env->len);
}

void
fp_context_save_keyfile (const FpContext *context,
                         GKeyFile        *keyfile)
{
  save_keyfile (context, keyfile, FALSE);
}

void
fp_context_save_override_keyfile (const FpContext *context,
                                  GKeyFile        *keyfile)
{
  save_keyfile (context, keyfile, TRUE);
}

/* `flatpak run` options that say what this context says, in Flatpak's
 * spelling, for [Instance] extra-args. */
GPtrArray *
fp_context_to_args (const FpContext *context)
{
  static const char *const enable_options[FP_FLAGS_N_KINDS] = { "share", "socket", "device", "allow" };
  static const char *const disable_options[FP_FLAGS_N_KINDS] = { "unshare", "nosocket", "nodevice", "disallow" };
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) env_keys = fp_sorted_keys (context->env);
  g_autoptr(GPtrArray) persistent = fp_sorted_keys (context->persistent);
  g_autoptr(GPtrArray) fs_keys = fp_sorted_keys (context->filesystems);
  GHashTable *const policies[] = { context->session_bus_policy, context->system_bus_policy };

  for (int kind = 0; kind < FP_FLAGS_N_KINDS; kind++)
    for (guint bit = 0; flag_names[kind][bit] != NULL; bit++)
      if (context->valid[kind] & (1u << bit))
        g_ptr_array_add (args, g_strdup_printf ("--%s=%s",
                                                (context->enabled[kind] & (1u << bit)) ? enable_options[kind]
                                                                                        : disable_options[kind],
                                                flag_names[kind][bit]));
  for (guint i = 0; i < env_keys->len; i++)
    {
      const char *name = g_ptr_array_index (env_keys, i);
      const char *value = g_hash_table_lookup (context->env, name);

      g_ptr_array_add (args, value != NULL ? g_strdup_printf ("--env=%s=%s", name, value)
                                           : g_strdup_printf ("--unset-env=%s", name));
    }
  for (guint i = 0; i < persistent->len; i++)
    g_ptr_array_add (args, g_strdup_printf ("--persist=%s", (char *) g_ptr_array_index (persistent, i)));
  for (guint bus = 0; bus < G_N_ELEMENTS (policies); bus++)
    {
      g_autoptr(GPtrArray) names = fp_sorted_keys (policies[bus]);

      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          FpPolicy policy = GPOINTER_TO_INT (g_hash_table_lookup (policies[bus], name));

          g_ptr_array_add (args, g_strdup_printf ("--%s%s-name=%s", bus == 1 ? "system-" : "",
                                                  fp_policy_to_string (policy), name));
        }
    }
  for (guint i = 0; i < fs_keys->len; i++)
    {
      const char *location = g_ptr_array_index (fs_keys, i);
      FpFilesystemMode mode = GPOINTER_TO_INT (g_hash_table_lookup (context->filesystems, location));

      g_ptr_array_add (args, mode == FP_FILESYSTEM_NONE
                               ? g_strdup_printf ("--nofilesystem=%s", location)
                               : g_strdup_printf ("--filesystem=%s%s", location, filesystem_mode_suffix (mode)));
    }
  return args;
}

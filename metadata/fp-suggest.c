#include "fp-suggest.h"

#include <string.h>

/* Levenshtein distance, two rows. Words here are option and value
 * names: short, so the quadratic cost does not matter. */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *prev = g_new (guint, lb + 1);
  g_autofree guint *cur = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    prev[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      cur[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        }
      memcpy (prev, cur, (lb + 1) * sizeof (guint));
    }
  return prev[lb];
}

const char *
fp_suggest_nearest (const char        *word,
                    const char *const *candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  gsize length = strlen (word);

  if (length == 0 || candidates == NULL)
    return NULL;
  /* The same word in other case, then a prefix: what a half-typed word is. */
  for (guint i = 0; candidates[i] != NULL; i++)
    if (g_ascii_strcasecmp (candidates[i], word) == 0)
      return candidates[i];
  for (guint i = 0; candidates[i] != NULL; i++)
    if (g_str_has_prefix (candidates[i], word))
      return candidates[i];
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      guint distance = edit_distance (word, candidates[i]);

      if (distance < best_distance)
        {
          best_distance = distance;
          best = candidates[i];
        }
    }
  /* Beyond about a third of the word it is another word, not a typo. */
  return best_distance <= MAX (2, length / 3) ? best : NULL;
}

char *
fp_suggest_text (const char        *word,
                 const char *const *candidates)
{
  const char *nearest = fp_suggest_nearest (word, candidates);

  return nearest != NULL ? g_strdup_printf ("; did you mean \"%s\"?", nearest) : g_strdup ("");
}

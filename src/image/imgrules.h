/* imgrules.h - findings about a built image's config and history. */
#ifndef VAKT_IMAGE_IMGRULES_H
#define VAKT_IMAGE_IMGRULES_H

#include "core/finding.h"
#include "image/image.h"

/* Called for each finding; f and its strings live until the callback returns. */
typedef void (*vakt_image_finding_fn)(const vakt_finding *f, void *ud);

/* Judge img's config with the IMG rules, and the Dockerfile instructions its history
 * records with the DF rules that judge single instructions. Findings carry the image
 * reference as their file; history findings name the entry ("history 5", 1-based). */
void vakt_image_check(const vakt_image *img, vakt_image_finding_fn fn, void *ud);

#endif

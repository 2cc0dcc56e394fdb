/* sbom_spdx.c - placeholder until this part lands. */

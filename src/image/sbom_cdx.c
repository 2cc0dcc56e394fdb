/* sbom_cdx.c - placeholder until this part lands. */

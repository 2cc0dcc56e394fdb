/* purl.c - placeholder until this part lands. */

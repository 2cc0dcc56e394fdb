/* source.c - placeholder until this part lands. */

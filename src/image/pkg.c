/* pkg.c - placeholder until this part lands. */

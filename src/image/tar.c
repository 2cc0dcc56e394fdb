/* tar.c - placeholder until this part lands. */

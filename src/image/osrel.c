/* osrel.c - placeholder until this part lands. */

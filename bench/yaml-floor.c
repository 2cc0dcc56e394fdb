/* yaml-floor.c - the floor for `vakt lint`'s benchmark: walk the corpus and run libyaml's
 * event parser over every file, doing nothing with the events. No tool can lint YAML
 * faster than it can read and tokenise it; vakt's target is at most 2x this.
 *
 *   yaml-floor DIR...     prints files, documents and events parsed
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

static unsigned long files, docs, events;

static int read_handler(void *data, unsigned char *buf, size_t size, size_t *got)
{
	ssize_t n = read(*(int *)data, buf, size);
	if (n < 0)
		return 0;
	*got = (size_t)n;
	return 1;
}

static void parse_file(int fd)
{
	yaml_parser_t p;
	yaml_event_t e;
	yaml_parser_initialize(&p);
	yaml_parser_set_input(&p, read_handler, &fd);
	for (;;) {
		if (!yaml_parser_parse(&p, &e))
			break;
		events++;
		int type = e.type;
		docs += type == YAML_DOCUMENT_START_EVENT;
		yaml_event_delete(&e);
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	files++;
}

static void walk(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct stat st;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY);
			if (sub >= 0)
				walk(sub);
		} else if (S_ISREG(st.st_mode)) {
			int fd = openat(dirfd, de->d_name, O_RDONLY);
			if (fd >= 0) {
				parse_file(fd);
				close(fd);
			}
		}
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_DIRECTORY);
		if (fd >= 0)
			walk(fd);
	}
	printf("%lu files, %lu documents, %lu events\n", files, docs, events);
	return 0;
}

/* LD_PRELOAD stand-in for the two libvirt documents that libvirt 9.0's test
 * driver cannot vary per host: its capabilities have no host UUID, no CPU
 * model and always the 'testSecurity' model, and it has no domain
 * capabilities. For a connection to test:///DIR/NODE.xml or
 * test+tcp://HOST:PORT/DIR/NODE.xml, virConnectGetCapabilities and
 * virConnectGetDomainCapabilities return DIR/NODE.caps.xml and
 * DIR/NODE.domcaps.xml when those files exist; otherwise libvirt answers.
 * Everything else (connection, versions, guests, their XML, the baseline)
 * is libvirt's own. Declares what it uses instead of including libvirt.h,
 * which only src/verify.c includes. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct _virConnect *virConnectPtr;
char *virConnectGetURI(virConnectPtr conn);
char *virConnectGetCapabilities(virConnectPtr conn);
char *virConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin, const char *arch,
				      const char *machine, const char *virttype,
				      unsigned int flags);

/* The file that stands in for the document, read whole; NULL if none. */
static char *standin(virConnectPtr conn, const char *suffix)
{
	char *uri = virConnectGetURI(conn);
	char *path = NULL, *data = NULL;
	FILE *f = NULL;
	const char *p = uri ? strstr(uri, "://") : NULL;
	if (!p || strncmp(uri, "test", 4) != 0)
		goto out;
	p = strchr(p + 3, '/');
	size_t len = p ? strlen(p) : 0;
	if (len < 5 || strcmp(p + len - 4, ".xml") != 0)
		goto out;
	path = malloc(len + strlen(suffix) + 1);
	if (!path)
		goto out;
	memcpy(path, p, len - 4);
	strcpy(path + len - 4, suffix);
	f = fopen(path, "r");
	if (!f)
		goto out;
	size_t cap = 1 << 16, n = 0, r;
	data = malloc(cap);
	while (data && (r = fread(data + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *bigger = realloc(data, cap *= 2);
			if (!bigger) {
				free(data);
				data = NULL;
			}
			data = bigger;
		}
	}
	if (data)
		data[n] = '\0';
out:
	if (f)
		fclose(f);
	free(path);
	free(uri);
	return data;
}

char *virConnectGetCapabilities(virConnectPtr conn)
{
	char *s = standin(conn, ".caps.xml");
	if (s)
		return s;
	char *(*real)(virConnectPtr) =
		(char *(*)(virConnectPtr))dlsym(RTLD_NEXT, "virConnectGetCapabilities");
	return real ? real(conn) : NULL;
}

char *virConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin, const char *arch,
				      const char *machine, const char *virttype, unsigned int flags)
{
	char *s = standin(conn, ".domcaps.xml");
	if (s)
		return s;
	char *(*real)(virConnectPtr, const char *, const char *, const char *, const char *,
		      unsigned int) =
		(char *(*)(virConnectPtr, const char *, const char *, const char *, const char *,
			   unsigned int))dlsym(RTLD_NEXT, "virConnectGetDomainCapabilities");
	return real ? real(conn, emulatorbin, arch, machine, virttype, flags) : NULL;
}

// A small C layer over libmicrohttpd for the map viewer's server: the access-handler and accept-policy callbacks
// (which Swift cannot write against MHD's variadic start function), bound to 127.0.0.1 only.
#ifndef CHTTPSHIM_H
#define CHTTPSHIM_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/// What the Swift side answers for one request: a status, a content type and a body it allocated with malloc
/// (the server frees it after sending).
typedef struct ebsd_http_answer {
    int status;
    char content_type[64];
    unsigned char *body;
    size_t length;
} ebsd_http_answer;

/// Called on one of the server's threads for every GET/HEAD request: the decoded path, the Host header (or NULL).
typedef void (*ebsd_http_handler)(void *context, const char *path, const char *host, ebsd_http_answer *answer);

typedef struct ebsd_http_server ebsd_http_server;

/// Starts a server on 127.0.0.1:`port` (0: a port the kernel picks) with `threads` worker threads; NULL on failure
/// with the reason in `error`.
ebsd_http_server *ebsd_http_start(uint16_t port, unsigned threads, ebsd_http_handler handler, void *context,
                                  char *error, size_t error_length);
/// The port the server listens on.
uint16_t ebsd_http_port(const ebsd_http_server *server);
/// Stops the server (waits for its threads) and frees it.
void ebsd_http_stop(ebsd_http_server *server);
/// The accept policy: 1 when a connection from `address` is allowed (IPv4 loopback, 127.0.0.0/8), else 0.
int ebsd_http_peer_allowed(const struct sockaddr *address, socklen_t length);

#endif

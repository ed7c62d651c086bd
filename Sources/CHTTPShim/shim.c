// The map viewer's HTTP layer on libmicrohttpd (see include/CHTTPShim.h). MHD parses HTTP; this file only wires its
// callbacks to one Swift handler and fixes the security settings: loopback bind, loopback-only accept policy,
// GET/HEAD only, bounded connections and time-outs, no caching, no referrer (the token is in every URL).
#include "CHTTPShim.h"
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { connection_limit = 64, connection_timeout_seconds = 15, loopback_net = 0x7f000000, loopback_mask = 0xff000000 };

struct ebsd_http_server {
    struct MHD_Daemon *daemon;
    ebsd_http_handler handler;
    void *context;
};

int ebsd_http_peer_allowed(const struct sockaddr *address, socklen_t length) {
    if (address == NULL || address->sa_family != AF_INET || length < (socklen_t)sizeof(struct sockaddr_in)) return 0;
    const struct sockaddr_in *in = (const struct sockaddr_in *)address;
    return (ntohl(in->sin_addr.s_addr) & loopback_mask) == loopback_net;
}

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen) {
    (void)cls;
    return ebsd_http_peer_allowed(addr, addrlen) ? MHD_YES : MHD_NO;
}

static enum MHD_Result answer_text(struct MHD_Connection *connection, unsigned status, const char *text) {
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (r == NULL) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(connection, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                                      const char *version, const char *upload_data, size_t *upload_data_size,
                                      void **request_state) {
    (void)version;
    (void)upload_data;
    static int first_call_marker;
    if (*request_state == NULL) {  // headers seen: wait for the (empty) body before answering
        *request_state = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) return answer_text(connection, MHD_HTTP_CONTENT_TOO_LARGE, "read-only server\n");
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        return answer_text(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "read-only server: GET only\n");
    }
    struct ebsd_http_server *server = cls;
    ebsd_http_answer answer = {.status = 500, .content_type = "text/plain; charset=utf-8", .body = NULL, .length = 0};
    const char *host = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    server->handler(server->context, url, host, &answer);
    struct MHD_Response *r = MHD_create_response_from_buffer(answer.length, answer.body, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(answer.body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", answer.content_type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    enum MHD_Result ok = MHD_queue_response(connection, (unsigned)answer.status, r);
    MHD_destroy_response(r);
    return ok;
}

ebsd_http_server *ebsd_http_start(uint16_t port, unsigned threads, ebsd_http_handler handler, void *context,
                                  char *error, size_t error_length) {
    struct ebsd_http_server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(error, error_length, "out of memory");
        return NULL;
    }
    s->handler = handler;
    s->context = context;
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, accept_policy, NULL, access_handler, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address, MHD_OPTION_THREAD_POOL_SIZE, threads < 1 ? 1u : threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)connection_timeout_seconds, MHD_OPTION_END);
    if (s->daemon == NULL) {
        snprintf(error, error_length, "cannot listen on 127.0.0.1:%u (port in use?)", (unsigned)port);
        free(s);
        return NULL;
    }
    return s;
}

uint16_t ebsd_http_port(const ebsd_http_server *server) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

void ebsd_http_stop(ebsd_http_server *server) {
    if (server == NULL) return;
    MHD_stop_daemon(server->daemon);
    free(server);
}

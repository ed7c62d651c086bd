// glibc allocator settings (mallopt): HeapPolicy.
#include <malloc.h>

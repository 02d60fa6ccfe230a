#include "Sha256.h"

#include "Error.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ks {

struct Sha256::Context
{
    EVP_MD_CTX* md = nullptr;
    bool spent = false;
    ~Context() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256()
    : m_ctx(std::make_unique<Context>())
{
    m_ctx->md = EVP_MD_CTX_new();
    if (!m_ctx->md || EVP_DigestInit_ex(m_ctx->md, EVP_sha256(), nullptr) != 1)
        throw Error("SHA-256 is not available from OpenSSL", "Reinstall libssl3", Error::Kind::Internal);
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size)
{
    if (m_ctx->spent)
        throw Error("Sha256::update after hexDigest", {}, Error::Kind::Internal);
    if (size > 0 && EVP_DigestUpdate(m_ctx->md, data, size) != 1)
        throw Error("SHA-256 failed in OpenSSL", {}, Error::Kind::Internal);
}

std::string Sha256::hexDigest()
{
    if (m_ctx->spent)
        throw Error("Sha256::hexDigest called twice", {}, Error::Kind::Internal);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(m_ctx->md, digest, &n) != 1 || n != 32)
        throw Error("SHA-256 failed in OpenSSL", {}, Error::Kind::Internal);
    m_ctx->spent = true;
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (unsigned int i = 0; i < n; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

std::string Sha256::ofBytes(std::string_view data)
{
    Sha256 h;
    h.update(data);
    return h.hexDigest();
}

std::string Sha256::ofFile(const std::string& path)
{
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0)
        throw Error("Cannot read '" + path + "': " + std::strerror(errno), "Check that the file exists and is readable",
                    Error::Kind::Io);
    if (!S_ISREG(st.st_mode))
        throw Error("'" + path + "' is not a regular file (a folder, FIFO, socket or device)", "Give a file",
                    Error::Kind::InvalidInput);
    // O_NONBLOCK: a FIFO swapped in after the stat cannot block the open; fstat below refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        throw Error("Cannot read '" + path + "': " + std::strerror(errno), "Check that the file exists and is readable",
                    Error::Kind::Io);
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw Error("'" + path + "' is not a regular file (it was replaced while being opened)", "Give a file",
                    Error::Kind::InvalidInput);
    Sha256 h;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw Error("Cannot read '" + path + "': " + std::strerror(errno), "Check the disk and try again",
                        Error::Kind::Io);
        if (n == 0)
            break;
        h.update(buf, static_cast<std::size_t>(n));
    }
    return h.hexDigest();
}

} // namespace ks

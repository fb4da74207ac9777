// A TCP relay on loopback that holds every chunk it forwards for a fixed delay, in both
// directions: a server `2 x delay` of round trip away, for tests of what a slow network does to
// connection set-up (TCP, TLS handshake, HTTP/2 preface). Test code only.
#ifndef CAREREACH_TESTS_SLOW_RELAY_H_
#define CAREREACH_TESTS_SLOW_RELAY_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace carereach::testing_util {

class SlowRelay {
 public:
  // Relays connections made to port() to 127.0.0.1:target_port. port() is 0 if the listening
  // socket could not be made.
  SlowRelay(int target_port, std::chrono::milliseconds delay)
      : target_port_(target_port), delay_(delay) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = Loopback(0);
    socklen_t length = sizeof(address);
    if (listen_fd_ < 0 || bind(listen_fd_, Cast(&address), sizeof(address)) != 0 ||
        listen(listen_fd_, 16) != 0 || getsockname(listen_fd_, Cast(&address), &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~SlowRelay() {
    stop_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    std::lock_guard<std::mutex> lock(mu_);
    for (std::thread& pump : pumps_) pump.join();
    for (int fd : fds_) close(fd);
    if (listen_fd_ >= 0) close(listen_fd_);
  }

  SlowRelay(const SlowRelay&) = delete;
  SlowRelay& operator=(const SlowRelay&) = delete;

  int port() const { return port_; }

 private:
  static sockaddr_in Loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
  }
  static sockaddr* Cast(sockaddr_in* address) { return reinterpret_cast<sockaddr*>(address); }

  // Waits up to 50 ms for `fd` to be readable, so every loop notices stop_ promptly.
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 50) > 0;
  }

  void AcceptLoop() {
    while (!stop_) {
      if (!Readable(listen_fd_)) continue;
      const int client = accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      const int server = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in target = Loopback(target_port_);
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(client);
      if (server < 0) continue;
      fds_.push_back(server);
      if (connect(server, Cast(&target), sizeof(target)) != 0) continue;
      pumps_.emplace_back([this, client, server] { Pump(client, server); });
      pumps_.emplace_back([this, client, server] { Pump(server, client); });
    }
  }

  void Pump(int from, int to) {
    char buffer[16384];
    while (!stop_) {
      if (!Readable(from)) continue;
      const ssize_t n = read(from, buffer, sizeof(buffer));
      if (n <= 0) break;
      std::this_thread::sleep_for(delay_);
      for (ssize_t sent = 0; sent < n;) {
        const ssize_t w = send(to, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
        if (w <= 0) return;
        sent += w;
      }
    }
    shutdown(to, SHUT_WR);
  }

  const int target_port_;
  const std::chrono::milliseconds delay_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
  std::vector<int> fds_;
};

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_SLOW_RELAY_H_

// carereach-compare-client: times the same two questions against a running carereach-server
// (gRPC) and a running osrm-routed (HTTP), alternating A B A B, over warm connections.
// Driven by bench/osrm_compare.sh (see its header for what differs between the two sides).
//
//   carereach-compare-client CAREREACH_HOST:PORT OSRM_HOST:PORT TRACTS.tsv HOSPITALS.tsv RUNS
//
// TRACTS.tsv: one line per Census tract of the region, "GEOID<TAB>lon<TAB>lat<TAB>population",
// ordered by GEOID. HOSPITALS.tsv: "id<TAB>lon<TAB>lat". Both in longitude, latitude order.
//
// Questions:
//  matrix   ComputeMatrix (origins = destinations = the first 100 tracts, max_minutes 1440)
//           against OSRM /table/v1/driving with the same 100 coordinates, annotations
//           duration,distance. Timed: request out to the whole matrix of minutes and miles
//           decoded in the client (streamed rows read / JSON arrays parsed).
//  coverage ComputeCoverage (region honolulu, the hospitals, drive, 10/20/30/60 min) against
//           one OSRM /table call sources = tracts, destinations = hospitals, annotations
//           duration, then the nearest hospital per tract and the covered population per
//           threshold counted here. Timed: request out to the four covered populations.
// Every call uses one gRPC channel / one kept-alive TCP connection opened before the warm-up.
// Output: "key value..." lines read by the script (times in milliseconds).
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "carereach/v1/access.grpc.pb.h"

namespace carereach::bench {
namespace {

constexpr int kMatrixPoints = 100;
constexpr double kMaxSnapMeters = 1000;  // carereach's default max_snap_meters
constexpr double kMinutes[] = {10, 20, 30, 60};
constexpr int kThresholds = 4;
constexpr int kWarmUp = 3;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "compare_client: %s\n", message.c_str());
  std::exit(1);
}

struct Point {
  std::string id;
  double lon = 0;
  double lat = 0;
  long long population = 0;
};

std::vector<Point> ReadPoints(const std::string& path, bool with_population) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::vector<Point> points;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    Point p;
    std::getline(fields, p.id, '\t');
    fields >> p.lon >> p.lat;
    if (with_population) fields >> p.population;
    if (!fields) Die(path + ": bad line: " + line);
    points.push_back(p);
  }
  return points;
}

double Ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client over one kept-alive TCP connection (osrm-routed answers with
// Content-Length; the connection is reopened, untimed, when the server announces a close).
class HttpConnection {
 public:
  explicit HttpConnection(const std::string& host_port) {
    const size_t colon = host_port.rfind(':');
    if (colon == std::string::npos) Die("bad OSRM address " + host_port);
    host_ = host_port.substr(0, colon);
    port_ = std::atoi(host_port.c_str() + colon + 1);
    Connect();
  }
  ~HttpConnection() {
    if (fd_ >= 0) close(fd_);
  }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  int reconnects() const { return reconnects_; }

  // Reopens the connection if the previous answer closed it (call outside the timed span).
  void EnsureOpen() {
    if (fd_ < 0) {
      Connect();
      ++reconnects_;
    }
  }

  // GET `target`; returns the body. Dies on a transport error or a non-200 status.
  std::string Get(const std::string& target) {
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\nConnection: keep-alive\r\n\r\n";
    size_t sent = 0;
    while (sent < request.size()) {
      const ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) Die("send to osrm-routed failed");
      sent += static_cast<size_t>(n);
    }
    std::string data;
    size_t header_end = std::string::npos;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) ReadMore(&data);
    const std::string headers = data.substr(0, header_end);
    std::string lower = headers;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const size_t cl = lower.find("content-length:");
    if (cl == std::string::npos) Die("osrm-routed answered without Content-Length");
    const size_t length = std::strtoull(lower.c_str() + cl + 15, nullptr, 10);
    const size_t body_start = header_end + 4;
    while (data.size() < body_start + length) ReadMore(&data);
    std::string body = data.substr(body_start, length);
    if (headers.compare(0, 12, "HTTP/1.1 200") != 0 && headers.compare(0, 12, "HTTP/1.0 200")) {
      Die("osrm-routed: " + headers.substr(0, headers.find('\r')) + ": " + body.substr(0, 300));
    }
    if (lower.find("connection: close") != std::string::npos) {
      close(fd_);
      fd_ = -1;
    }
    return body;
  }

 private:
  void Connect() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) Die("socket failed");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    if (inet_pton(AF_INET, host_.c_str(), &address.sin_addr) != 1) Die("bad host " + host_);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      Die("cannot connect to osrm-routed at " + host_ + ":" + std::to_string(port_));
    }
  }
  void ReadMore(std::string* data) {
    char buffer[1 << 16];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) Die("osrm-routed closed the connection mid-answer");
    data->append(buffer, static_cast<size_t>(n));
  }

  std::string host_;
  int port_ = 0;
  int fd_ = -1;
  int reconnects_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Just enough JSON for OSRM's table answer: the value of a top-level key that is an array of
// arrays of numbers or null (null -> NaN), and the "distance" members of a waypoint array.
// (OSRM writes its keys in a fixed order; "sources"/"destinations" follow "durations".)
size_t FindKey(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) Die("OSRM answer has no \"" + key + "\": " + json.substr(0, 300));
  return at + key.size() + 3;
}

std::vector<std::vector<double>> ParseNumberRows(const std::string& json, const std::string& key) {
  const char* p = json.c_str() + FindKey(json, key);
  std::vector<std::vector<double>> rows;
  auto skip = [&p] {
    while (*p == ' ' || *p == '\n' || *p == ',') ++p;
  };
  skip();
  if (*p != '[') Die("\"" + key + "\" is not an array");
  ++p;
  for (skip(); *p == '['; skip()) {
    ++p;
    std::vector<double>& row = rows.emplace_back();
    for (skip(); *p != ']'; skip()) {
      if (std::strncmp(p, "null", 4) == 0) {
        row.push_back(std::numeric_limits<double>::quiet_NaN());
        p += 4;
      } else {
        char* end = nullptr;
        row.push_back(std::strtod(p, &end));
        if (end == p) Die("bad number in \"" + key + "\"");
        p = end;
      }
    }
    ++p;
  }
  return rows;
}

std::string Coordinates(const std::vector<const Point*>& points) {
  std::string out;
  char buffer[64];
  for (const Point* p : points) {
    std::snprintf(buffer, sizeof buffer, "%s%.6f,%.6f", out.empty() ? "" : ";", p->lon, p->lat);
    out += buffer;
  }
  return out;
}

// The "distance" (snap metres) of each waypoint of the top-level array `key` (waypoints hold
// "location":[lon,lat] arrays, so the end is the matching bracket).
std::vector<double> WaypointSnapMeters(const std::string& json, const std::string& key) {
  const size_t start = json.find('[', FindKey(json, key));
  int depth = 0;
  size_t end = start;
  for (; end < json.size(); ++end) {
    if (json[end] == '[') ++depth;
    if (json[end] == ']' && --depth == 0) break;
  }
  std::vector<double> out;
  size_t at = start;
  while ((at = json.find("\"distance\":", at)) != std::string::npos && at < end) {
    out.push_back(std::strtod(json.c_str() + at + 11, nullptr));
    at += 11;
  }
  return out;
}

struct Matrix {
  std::vector<double> minutes;  // row-major, NaN when unreached
  std::vector<double> miles;
};

struct Coverage {
  long long covered[kThresholds] = {};
  long long total = 0;
  int unsnapped = 0;
};

// ---------------------------------------------------------------------------------------------
class Runner {
 public:
  Runner(const std::string& carereach, const std::string& osrm, std::vector<Point> tracts,
         std::vector<Point> hospitals)
      : stub_(v1::AccessService::NewStub(
            grpc::CreateChannel(carereach, grpc::InsecureChannelCredentials()))),
        http_(osrm),
        tracts_(std::move(tracts)),
        hospitals_(std::move(hospitals)) {
    if (tracts_.size() < kMatrixPoints) Die("fewer than 100 tracts");
    std::vector<const Point*> matrix_points;
    for (int i = 0; i < kMatrixPoints; ++i) matrix_points.push_back(&tracts_[i]);
    for (int i = 0; i < kMatrixPoints; ++i) {
      v1::Facility* f = matrix_request_.add_origins();
      f->set_id(tracts_[i].id);
      f->mutable_location()->set_lon(tracts_[i].lon);
      f->mutable_location()->set_lat(tracts_[i].lat);
    }
    *matrix_request_.mutable_destinations() = matrix_request_.origins();
    matrix_request_.set_region("honolulu");
    matrix_request_.set_max_minutes(1440);
    osrm_matrix_target_ =
        "/table/v1/driving/" + Coordinates(matrix_points) + "?annotations=duration,distance";

    coverage_request_.set_region("honolulu");
    coverage_request_.set_mode(v1::TRAVEL_MODE_DRIVE);
    for (const double m : kMinutes) coverage_request_.add_max_minutes(m);
    for (const Point& h : hospitals_) {
      v1::Facility* f = coverage_request_.add_facilities();
      f->set_id(h.id);
      f->mutable_location()->set_lon(h.lon);
      f->mutable_location()->set_lat(h.lat);
    }
    std::vector<const Point*> all;
    std::string sources, destinations;
    for (const Point& t : tracts_) all.push_back(&t);
    for (const Point& h : hospitals_) all.push_back(&h);
    for (size_t i = 0; i < all.size(); ++i) {
      std::string& list = i < tracts_.size() ? sources : destinations;
      list += (list.empty() ? "" : ";") + std::to_string(i);
    }
    osrm_coverage_target_ = "/table/v1/driving/" + Coordinates(all) + "?sources=" + sources +
                            "&destinations=" + destinations + "&annotations=duration";
  }

  Matrix CarereachMatrix() {
    grpc::ClientContext context;
    auto reader = stub_->ComputeMatrix(&context, matrix_request_);
    Matrix m;
    m.minutes.assign(kMatrixPoints * kMatrixPoints, std::nan(""));
    m.miles.assign(kMatrixPoints * kMatrixPoints, std::nan(""));
    v1::MatrixRow row;
    int rows = 0;
    while (reader->Read(&row)) {
      ++rows;
      const int o = row.origin_index();
      if (o < 0 || o >= kMatrixPoints || row.minutes_size() != kMatrixPoints ||
          row.miles_size() != kMatrixPoints) {
        if (row.origin_snapped()) Die("carereach matrix row " + std::to_string(o) + " malformed");
        continue;
      }
      for (int d = 0; d < kMatrixPoints; ++d) {
        if (row.minutes(d) >= 0) {
          m.minutes[o * kMatrixPoints + d] = row.minutes(d);
          m.miles[o * kMatrixPoints + d] = row.miles(d);
        }
      }
    }
    const grpc::Status status = reader->Finish();
    if (!status.ok()) Die("carereach ComputeMatrix: " + status.error_message());
    if (rows != kMatrixPoints) Die("carereach matrix: " + std::to_string(rows) + " rows");
    return m;
  }

  Matrix OsrmMatrix() {
    const std::string body = http_.Get(osrm_matrix_target_);
    const auto durations = ParseNumberRows(body, "durations");
    const auto distances = ParseNumberRows(body, "distances");
    if (durations.size() != kMatrixPoints || distances.size() != kMatrixPoints) {
      Die("OSRM matrix: wrong row count");
    }
    Matrix m;
    m.minutes.reserve(kMatrixPoints * kMatrixPoints);
    m.miles.reserve(kMatrixPoints * kMatrixPoints);
    for (int o = 0; o < kMatrixPoints; ++o) {
      if (durations[o].size() != kMatrixPoints || distances[o].size() != kMatrixPoints) {
        Die("OSRM matrix: wrong column count");
      }
      for (int d = 0; d < kMatrixPoints; ++d) {
        m.minutes.push_back(durations[o][d] / 60.0);
        m.miles.push_back(distances[o][d] / 1609.344);
      }
    }
    return m;
  }

  Coverage CarereachCoverage(double* server_ms) {
    grpc::ClientContext context;
    v1::ComputeCoverageResponse response;
    const grpc::Status status = stub_->ComputeCoverage(&context, coverage_request_, &response);
    if (!status.ok()) Die("carereach ComputeCoverage: " + status.error_message());
    if (response.mode() != v1::TRAVEL_MODE_DRIVE) Die("carereach answered not in drive mode");
    if (response.results_size() != kThresholds) Die("carereach coverage: wrong result count");
    Coverage c;
    for (int i = 0; i < kThresholds; ++i) c.covered[i] = response.results(i).covered_population();
    c.total = response.total_population();
    c.unsnapped = response.unsnapped_units();
    *server_ms = response.compute_ms();
    return c;
  }

  Coverage OsrmCoverage() {
    const std::string body = http_.Get(osrm_coverage_target_);
    const auto durations = ParseNumberRows(body, "durations");
    const std::vector<double> source_snap = WaypointSnapMeters(body, "sources");
    const std::vector<double> destination_snap = WaypointSnapMeters(body, "destinations");
    if (durations.size() != tracts_.size() || source_snap.size() != tracts_.size() ||
        destination_snap.size() != hospitals_.size()) {
      Die("OSRM coverage: wrong answer size");
    }
    Coverage c;
    for (size_t t = 0; t < tracts_.size(); ++t) {
      c.total += tracts_[t].population;
      if (source_snap[t] > kMaxSnapMeters) {
        ++c.unsnapped;
        continue;
      }
      double best = std::numeric_limits<double>::infinity();
      for (size_t h = 0; h < hospitals_.size(); ++h) {
        const double s = durations[t][h];
        if (destination_snap[h] <= kMaxSnapMeters && s == s) best = std::min(best, s);
      }
      for (int i = 0; i < kThresholds; ++i) {
        if (best <= kMinutes[i] * 60) c.covered[i] += tracts_[t].population;
      }
    }
    return c;
  }

  int Run(int runs) {
    // Warm-up (untimed): first calls open the HTTP/2 stream machinery, fault in pages, etc.
    double server_ms = 0;
    Matrix cr_matrix, osrm_matrix;
    Coverage cr_coverage, osrm_coverage;
    for (int i = 0; i < kWarmUp; ++i) {
      cr_matrix = CarereachMatrix();
      http_.EnsureOpen();
      osrm_matrix = OsrmMatrix();
      cr_coverage = CarereachCoverage(&server_ms);
      http_.EnsureOpen();
      osrm_coverage = OsrmCoverage();
    }
    std::vector<double> t_cr_matrix, t_osrm_matrix, t_cr_cov, t_osrm_cov, t_cr_server;
    for (int r = 0; r < runs; ++r) {
      auto start = std::chrono::steady_clock::now();
      Matrix a = CarereachMatrix();
      t_cr_matrix.push_back(Ms(start));
      http_.EnsureOpen();
      start = std::chrono::steady_clock::now();
      Matrix b = OsrmMatrix();
      t_osrm_matrix.push_back(Ms(start));
      start = std::chrono::steady_clock::now();
      Coverage c = CarereachCoverage(&server_ms);
      t_cr_cov.push_back(Ms(start));
      t_cr_server.push_back(server_ms);
      http_.EnsureOpen();
      start = std::chrono::steady_clock::now();
      Coverage d = OsrmCoverage();
      t_osrm_cov.push_back(Ms(start));
      for (int i = 0; i < kThresholds; ++i) {
        if (c.covered[i] != cr_coverage.covered[i] || d.covered[i] != osrm_coverage.covered[i]) {
          Die("an answer changed between runs");
        }
      }
      (void)a;
      (void)b;
    }
    auto print = [](const char* key, const std::vector<double>& v) {
      std::printf("%s", key);
      for (const double x : v) std::printf(" %.3f", x);
      std::printf("\n");
    };
    print("ms_matrix_carereach", t_cr_matrix);
    print("ms_matrix_osrm", t_osrm_matrix);
    print("ms_coverage_carereach", t_cr_cov);
    print("ms_coverage_osrm", t_osrm_cov);
    print("ms_coverage_carereach_server_compute", t_cr_server);
    std::printf("osrm_reconnects %d\n", http_.reconnects());

    for (int i = 0; i < kThresholds; ++i) {
      std::printf("covered %g %lld %lld\n", kMinutes[i], cr_coverage.covered[i],
                  osrm_coverage.covered[i]);
    }
    std::printf("coverage_total %lld %lld\n", cr_coverage.total, osrm_coverage.total);
    std::printf("coverage_unsnapped %d %d\n", cr_coverage.unsnapped, osrm_coverage.unsnapped);

    // Matrix answers side by side: cells reached by both, and how their minutes and miles
    // compare (median of carereach / OSRM over the off-diagonal cells).
    std::vector<double> minute_ratio, mile_ratio, cr_min, osrm_min;
    int cr_reached = 0, osrm_reached = 0;
    for (int i = 0; i < kMatrixPoints * kMatrixPoints; ++i) {
      const bool ca = cr_matrix.minutes[i] == cr_matrix.minutes[i];
      const bool ob = osrm_matrix.minutes[i] == osrm_matrix.minutes[i];
      cr_reached += ca;
      osrm_reached += ob;
      if (ca && ob && i / kMatrixPoints != i % kMatrixPoints && osrm_matrix.minutes[i] > 0 &&
          osrm_matrix.miles[i] > 0) {
        minute_ratio.push_back(cr_matrix.minutes[i] / osrm_matrix.minutes[i]);
        mile_ratio.push_back(cr_matrix.miles[i] / osrm_matrix.miles[i]);
        cr_min.push_back(cr_matrix.minutes[i]);
        osrm_min.push_back(osrm_matrix.minutes[i]);
      }
    }
    auto median = [](std::vector<double> v) {
      if (v.empty()) return std::nan("");
      std::sort(v.begin(), v.end());
      return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    };
    std::printf("matrix_reached %d %d\n", cr_reached, osrm_reached);
    std::printf("matrix_median_minutes %.2f %.2f\n", median(cr_min), median(osrm_min));
    std::printf("matrix_median_ratio_minutes %.3f\n", median(minute_ratio));
    std::printf("matrix_median_ratio_miles %.3f\n", median(mile_ratio));
    return 0;
  }

 private:
  std::unique_ptr<v1::AccessService::Stub> stub_;
  HttpConnection http_;
  std::vector<Point> tracts_;
  std::vector<Point> hospitals_;
  v1::ComputeMatrixRequest matrix_request_;
  v1::ComputeCoverageRequest coverage_request_;
  std::string osrm_matrix_target_;
  std::string osrm_coverage_target_;
};

}  // namespace
}  // namespace carereach::bench

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: carereach-compare-client CAREREACH_HOST:PORT OSRM_HOST:PORT TRACTS.tsv "
                 "HOSPITALS.tsv RUNS\n");
    return 2;
  }
  using carereach::bench::ReadPoints;
  carereach::bench::Runner runner(argv[1], argv[2], ReadPoints(argv[3], true),
                                  ReadPoints(argv[4], false));
  return runner.Run(std::max(1, std::atoi(argv[5])));
}

// make_synthetic_osm's generator: lays out arterials, motorways, islands, towns and rural roads
// over the cells of a frame, and writes the population points and facilities that go with them.
#ifndef CAREREACH_BENCH_SYNTHETIC_OSM_GENERATOR_H_
#define CAREREACH_BENCH_SYNTHETIC_OSM_GENERATOR_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "bench/synthetic_osm_model.h"

namespace carereach::synthetic_osm {

// Builds the whole network. Cells are kCellMeters squares between arterial lines: cell (i, j)
// spans x in [i, i+1] * kCellMeters and y in [j, j+1] * kCellMeters.
class Generator {
 public:
  Generator(const Options& options, const Frame& frame)
      : options_(options),
        net_(frame),
        nx_(std::max(1, static_cast<int>(std::lround(frame.width_m() / kCellMeters)))),
        ny_(std::max(1, static_cast<int>(std::lround(frame.height_m() / kCellMeters)))),
        vertical_(static_cast<size_t>(nx_ + 1) * ny_),
        horizontal_(static_cast<size_t>(ny_ + 1) * nx_),
        cells_(static_cast<size_t>(nx_) * ny_, CellKind::kRural) {}

  // Returns false when all cells are towns and the file still has fewer than N nodes.
  bool Build() {
    BuildCrossingsAndArterialShape();
    PlanMotorwayLines();
    RankCells();
    ChooseIslands();
    for (size_t k = 0; k < motorway_rows_.size(); ++k) BuildMotorway(true, motorway_rows_[k], k);
    for (size_t k = 0; k < motorway_cols_.size(); ++k) BuildMotorway(false, motorway_cols_[k], k);
    for (size_t k = 0; k < islands_.size(); ++k) BuildIsland(islands_[k], k);
    for (const int cell : cell_order_) {
      if (net_.node_count() >= options_.nodes) break;
      if (cells_[cell] == CellKind::kIsland) continue;
      BuildTownCell(cell);
      urban_.push_back(cell);
    }
    for (size_t cell = 0; cell < cells_.size(); ++cell) {
      if (cells_[cell] == CellKind::kRural || cells_[cell] == CellKind::kMotorway) {
        BuildRuralCell(static_cast<int>(cell));
      }
    }
    BuildArterialWays();
    return net_.node_count() >= options_.nodes;
  }

  void WriteCsvs(const std::string& points_path, const std::string& facilities_path) const;

  const Network& network() const { return net_; }
  int nx() const { return nx_; }
  int ny() const { return ny_; }
  size_t town_cells() const { return urban_.size(); }
  size_t motorways() const { return motorway_rows_.size() + motorway_cols_.size(); }
  size_t islands() const { return islands_.size(); }

 private:
  int CellIndex(int i, int j) const { return j * nx_ + i; }
  int CellI(int cell) const { return cell % nx_; }
  int CellJ(int cell) const { return cell / nx_; }
  int64_t& Crossing(int i, int j) { return crossings_[static_cast<size_t>(i) * (ny_ + 1) + j]; }

  // A node on vertical arterial line i (x = i * kCellMeters) at height y.
  int64_t AttachToVertical(int i, double y) {
    const int j = std::clamp(static_cast<int>(std::floor(y / kCellMeters)), 0, ny_ - 1);
    const int64_t id = net_.AddNode(i * kCellMeters, y);
    vertical_[static_cast<size_t>(i) * ny_ + j].push_back({y - j * kCellMeters, id});
    return id;
  }
  // A node on horizontal arterial line j (y = j * kCellMeters) at x.
  int64_t AttachToHorizontal(int j, double x) {
    const int i = std::clamp(static_cast<int>(std::floor(x / kCellMeters)), 0, nx_ - 1);
    const int64_t id = net_.AddNode(x, j * kCellMeters);
    horizontal_[static_cast<size_t>(j) * nx_ + i].push_back({x - i * kCellMeters, id});
    return id;
  }

  void BuildCrossingsAndArterialShape() {
    crossings_.resize(static_cast<size_t>(nx_ + 1) * (ny_ + 1));
    for (int i = 0; i <= nx_; ++i) {
      for (int j = 0; j <= ny_; ++j)
        Crossing(i, j) = net_.AddNode(i * kCellMeters, j * kCellMeters);
    }
    Rng rng(Hash(options_.seed, 1));
    const double step = kCellMeters / (kArterialShapeNodes + 1);
    for (int i = 0; i <= nx_; ++i) {
      for (int j = 0; j < ny_; ++j) {
        for (int k = 1; k <= kArterialShapeNodes; ++k) {
          AttachToVertical(i, j * kCellMeters + (k + rng.Uniform(-0.3, 0.3)) * step);
        }
      }
    }
    for (int j = 0; j <= ny_; ++j) {
      for (int i = 0; i < nx_; ++i) {
        for (int k = 1; k <= kArterialShapeNodes; ++k) {
          AttachToHorizontal(j, i * kCellMeters + (k + rng.Uniform(-0.3, 0.3)) * step);
        }
      }
    }
  }

  void PlanMotorwayLines() {
    auto spread = [](int n, int parts) {
      std::vector<int> lines;
      if (n < 2) return lines;
      if (n < 2 * parts) return std::vector<int>{n / 2};
      for (int k = 1; k < parts; ++k) lines.push_back(n * k / parts);
      return lines;
    };
    motorway_rows_ = spread(ny_, 4);
    motorway_cols_ = spread(nx_, 3);
    for (const int j : motorway_rows_) {
      for (int i = 0; i < nx_; ++i) cells_[CellIndex(i, j)] = CellKind::kMotorway;
    }
    for (const int i : motorway_cols_) {
      for (int j = 0; j < ny_; ++j) cells_[CellIndex(i, j)] = CellKind::kMotorway;
    }
  }

  // Orders cells by closeness to town centres (distance / town radius, with some noise).
  void RankCells() {
    Rng rng(Hash(options_.seed, 2));
    struct Town {
      double x, y, radius;
    };
    const double width = nx_ * kCellMeters, height = ny_ * kCellMeters;
    std::vector<Town> towns(std::max<size_t>(4, cells_.size() / 250));
    for (Town& town : towns) {
      const double u = rng.Uniform();
      town = {rng.Uniform(0, width), rng.Uniform(0, height), 2500 + 25000 * u * u * u * u};
    }
    score_.resize(cells_.size());
    for (size_t cell = 0; cell < cells_.size(); ++cell) {
      const double cx = (CellI(static_cast<int>(cell)) + 0.5) * kCellMeters;
      const double cy = (CellJ(static_cast<int>(cell)) + 0.5) * kCellMeters;
      double best = 1e300;
      for (const Town& town : towns) {
        best = std::min(best, std::hypot(cx - town.x, cy - town.y) / town.radius);
      }
      score_[cell] = best * rng.Uniform(0.8, 1.2);
    }
    cell_order_.resize(cells_.size());
    for (size_t cell = 0; cell < cells_.size(); ++cell) cell_order_[cell] = static_cast<int>(cell);
    std::sort(cell_order_.begin(), cell_order_.end(),
              [&](int a, int b) { return score_[a] != score_[b] ? score_[a] < score_[b] : a < b; });
  }

  // The most remote inner cells, not next to each other or to a motorway.
  void ChooseIslands() {
    for (auto it = cell_order_.rbegin(); it != cell_order_.rend(); ++it) {
      if (islands_.size() == kIslands) break;
      const int i = CellI(*it), j = CellJ(*it);
      if (i == 0 || j == 0 || i == nx_ - 1 || j == ny_ - 1) continue;
      bool clear = true;
      for (int di = -1; di <= 1 && clear; ++di) {
        for (int dj = -1; dj <= 1 && clear; ++dj) {
          clear = cells_[CellIndex(i + di, j + dj)] == CellKind::kRural;
        }
      }
      if (!clear) continue;
      cells_[*it] = CellKind::kIsland;
      islands_.push_back(*it);
    }
  }

  // Emits a street through `points` (its intersections, in order): adds curved shape nodes
  // between some of them, leaves a few inner segments out (gaps), and splits it into ways of
  // 2..50 nodes at intersections, each way two-way or (rarely) one-way.
  void EmitStreet(std::span<const StreetPoint> points, Rng& rng, double gap_probability) {
    std::vector<int64_t> way;
    int target = rng.Int(2, kMaxWayNodes);
    auto flush = [&](int64_t restart) {
      const double u = rng.Uniform();
      const Kind kind = u < 0.01   ? Kind::kResidentialOnewayReverse
                        : u < 0.07 ? Kind::kResidentialOneway
                                   : Kind::kResidential;
      net_.AddWay(way, kind);
      way.assign(1, restart);
      target = rng.Int(2, kMaxWayNodes);
    };
    way.push_back(points[0].id);
    const size_t n = points.size();
    for (size_t k = 1; k < n; ++k) {
      const StreetPoint& a = points[k - 1];
      const StreetPoint& b = points[k];
      if (k >= 2 && k + 1 < n && rng.Chance(gap_probability)) {
        flush(b.id);  // the way so far ends at a, the next one starts at b
        continue;
      }
      if (rng.Chance(0.35)) {
        const int shape_nodes = rng.Int(1, 2);
        const double dx = b.x - a.x, dy = b.y - a.y;
        const double length = std::hypot(dx, dy);
        const double bend = rng.Uniform(-12, 12);
        for (int s = 1; s <= shape_nodes; ++s) {
          const double t = static_cast<double>(s) / (shape_nodes + 1);
          const double off = bend * std::sin(std::numbers::pi * t);
          way.push_back(
              net_.AddNode(a.x + t * dx - off * dy / length, a.y + t * dy + off * dx / length));
          if (way.size() == kMaxWayNodes) flush(way.back());
        }
      }
      way.push_back(b.id);
      if (static_cast<int>(way.size()) >= target && k + 1 < n) flush(b.id);
    }
    if (way.size() >= 2) flush(0);
  }

  static std::vector<double> StreetOffsets(Rng& rng) {
    std::vector<double> offsets;
    for (double u = rng.Uniform(kMinStreetSpacing, kMaxStreetSpacing);
         u <= kCellMeters - kMinStreetSpacing;
         u += rng.Uniform(kMinStreetSpacing, kMaxStreetSpacing)) {
      offsets.push_back(u);
    }
    return offsets;
  }

  // A town cell: a jittered street grid whose streets end on the four arterials around it.
  void BuildTownCell(int cell) {
    cells_[cell] = CellKind::kUrban;
    Rng rng(Hash(options_.seed, 1'000'000 + static_cast<uint64_t>(cell)));
    const int i = CellI(cell), j = CellJ(cell);
    const double ox = i * kCellMeters, oy = j * kCellMeters;
    const std::vector<double> xs = StreetOffsets(rng), ys = StreetOffsets(rng);
    const size_t nxs = xs.size(), nys = ys.size();
    std::vector<StreetPoint> grid(nxs * nys);
    for (size_t b = 0; b < nys; ++b) {
      for (size_t a = 0; a < nxs; ++a) {
        const double x = ox + xs[a] + rng.Uniform(-10, 10);
        const double y = oy + ys[b] + rng.Uniform(-10, 10);
        grid[b * nxs + a] = {net_.AddNode(x, y), x, y};
      }
    }
    std::vector<StreetPoint> street;
    for (size_t b = 0; b < nys; ++b) {  // west to east
      street.clear();
      const double y = oy + ys[b];
      street.push_back({AttachToVertical(i, y), ox, y});
      for (size_t a = 0; a < nxs; ++a) street.push_back(grid[b * nxs + a]);
      street.push_back({AttachToVertical(i + 1, y), ox + kCellMeters, y});
      EmitStreet(street, rng, 0.03);
    }
    for (size_t a = 0; a < nxs; ++a) {  // south to north
      street.clear();
      const double x = ox + xs[a];
      street.push_back({AttachToHorizontal(j, x), x, oy});
      for (size_t b = 0; b < nys; ++b) street.push_back(grid[b * nxs + a]);
      street.push_back({AttachToHorizontal(j + 1, x), x, oy + kCellMeters});
      EmitStreet(street, rng, 0.03);
    }
    // Cul-de-sacs: short dead-end stubs into a block from a few intersections.
    for (size_t b = 0; b < nys; ++b) {
      for (size_t a = 0; a < nxs; ++a) {
        if (!rng.Chance(0.04)) continue;
        const double sx = rng.Chance(0.5) ? 1 : -1, sy = rng.Chance(0.5) ? 1 : -1;
        const double next_x =
            sx > 0 ? (a + 1 < nxs ? xs[a + 1] : kCellMeters) : (a > 0 ? xs[a - 1] : 0);
        const double next_y =
            sy > 0 ? (b + 1 < nys ? ys[b + 1] : kCellMeters) : (b > 0 ? ys[b - 1] : 0);
        const double gx = std::abs(next_x - xs[a]), gy = std::abs(next_y - ys[b]);
        const StreetPoint& p = grid[b * nxs + a];
        const int64_t stub[] = {p.id, net_.AddNode(p.x + sx * 0.3 * gx, p.y + sy * 0.25 * gy),
                                net_.AddNode(p.x + sx * 0.4 * gx, p.y + sy * 0.45 * gy)};
        net_.AddWay(stub, Kind::kResidential);
      }
    }
  }

  // A rural cell: sometimes an unclassified road across it, sometimes a dead-end farm road.
  void BuildRuralCell(int cell) {
    Rng rng(Hash(options_.seed, 2'000'000'000 + static_cast<uint64_t>(cell)));
    const int i = CellI(cell), j = CellJ(cell);
    const double ox = i * kCellMeters, oy = j * kCellMeters;
    const double u = rng.Uniform();
    std::vector<int64_t> refs;
    if (u < 0.25 && cells_[cell] == CellKind::kRural) {
      const double y = oy + rng.Uniform(0.3, 0.7) * kCellMeters;
      const int shape_nodes = rng.Int(3, 6);
      refs.push_back(AttachToVertical(i, y));
      for (int s = 1; s <= shape_nodes; ++s) {
        refs.push_back(
            net_.AddNode(ox + s * kCellMeters / (shape_nodes + 1), y + rng.Uniform(-30, 30)));
      }
      refs.push_back(AttachToVertical(i + 1, y));
      net_.AddWay(refs, Kind::kUnclassified);
    } else if (u < 0.35) {
      const double x = ox + rng.Uniform(0.2, 0.8) * kCellMeters;
      const double reach = rng.Uniform(0.15, 0.25) * kCellMeters;
      const int nodes = rng.Int(3, 5);
      refs.push_back(AttachToHorizontal(j, x));
      for (int s = 1; s < nodes; ++s) {
        refs.push_back(net_.AddNode(x + rng.Uniform(-20, 20), oy + reach * s / (nodes - 1)));
      }
      net_.AddWay(refs, Kind::kUnclassified);
    }
  }

  // A small street grid in the middle of a remote cell; the first kFerryIslands islands get a
  // ferry to the arterial south of them, the others stay unconnected.
  void BuildIsland(int cell, size_t index) {
    Rng rng(Hash(options_.seed, 3'000'000'000ULL + static_cast<uint64_t>(cell)));
    const int i = CellI(cell), j = CellJ(cell);
    const int k = rng.Int(3, 8);
    constexpr double kSpacing = 120;
    const double x0 = (i + 0.5) * kCellMeters - kSpacing * (k - 1) / 2;
    const double y0 = (j + 0.5) * kCellMeters - kSpacing * (k - 1) / 2;
    std::vector<StreetPoint> grid(static_cast<size_t>(k) * k);
    for (int b = 0; b < k; ++b) {
      for (int a = 0; a < k; ++a) {
        const double x = x0 + a * kSpacing + rng.Uniform(-8, 8);
        const double y = y0 + b * kSpacing + rng.Uniform(-8, 8);
        grid[b * k + a] = {net_.AddNode(x, y), x, y};
      }
    }
    std::vector<StreetPoint> street;
    for (int b = 0; b < k; ++b) {
      street.assign(grid.begin() + b * k, grid.begin() + (b + 1) * k);
      EmitStreet(street, rng, 0);
    }
    for (int a = 0; a < k; ++a) {
      street.clear();
      for (int b = 0; b < k; ++b) street.push_back(grid[b * k + a]);
      EmitStreet(street, rng, 0);
    }
    if (index < kFerryIslands) {
      const StreetPoint& corner = grid[0];
      const double shore = j * kCellMeters;
      const int64_t ferry[] = {corner.id,
                               net_.AddNode(corner.x - 150, corner.y - (corner.y - shore) / 3),
                               net_.AddNode(corner.x - 100, corner.y - 2 * (corner.y - shore) / 3),
                               AttachToHorizontal(j, corner.x - 50)};
      net_.AddWay(ferry, index == 0 ? Kind::kFerryWithDuration : Kind::kFerry,
                  net_.AddName("Island " + std::to_string(index + 1) + " Ferry"));
    }
  }

  // A motorway along a row (horizontal) or column of cells: two one-way carriageways 30 m
  // apart, right-hand traffic, with a diamond interchange at every 5th arterial it crosses.
  void BuildMotorway(bool horizontal, int line, size_t index) {
    static constexpr const char* kRowRefs[] = {"I-94", "I-96", "I-69"};
    static constexpr const char* kColRefs[] = {"I-75", "US 127"};
    const int32_t ref = net_.AddName(horizontal ? kRowRefs[index % 3] : kColRefs[index % 2]);
    Rng rng(Hash(options_.seed, 4'000 + index * 2 + (horizontal ? 0 : 1)));
    const double phase = rng.Uniform(0, 2 * std::numbers::pi);
    const int crossing_lines = horizontal ? nx_ : ny_;
    const double length = crossing_lines * kCellMeters;
    auto centre = [&](double along) {
      return (line + 0.5) * kCellMeters +
             300 * std::sin(2 * std::numbers::pi * along / 40'000 + phase);
    };
    auto add_node = [&](double along, double across) {
      return horizontal ? net_.AddNode(along, across) : net_.AddNode(across, along);
    };
    // The side of the road traffic in the +along direction drives on (right-hand traffic).
    const double right = horizontal ? -1 : 1;

    std::vector<int> interchanges;
    for (int m = 1; m < crossing_lines; ++m) {
      if (m % 5 == 0) interchanges.push_back(m);
    }
    if (interchanges.empty() && crossing_lines >= 2) interchanges.push_back(crossing_lines / 2);
    std::vector<double> special;
    for (const int m : interchanges) {
      special.push_back(m * kCellMeters - 400);
      special.push_back(m * kCellMeters + 400);
    }
    std::vector<double> samples = special;
    for (double a = 0; a <= length; a += 500) {
      const bool near_special = std::any_of(special.begin(), special.end(),
                                            [&](double s) { return std::abs(s - a) < 60; });
      if (!near_special) samples.push_back(a);
    }
    std::sort(samples.begin(), samples.end());
    std::vector<int64_t> forward(samples.size()), backward(samples.size());
    for (size_t s = 0; s < samples.size(); ++s) {
      forward[s] = add_node(samples[s], centre(samples[s]) + right * 15);
      backward[s] = add_node(samples[s], centre(samples[s]) - right * 15);
    }
    auto sample_index = [&](double along) {
      return static_cast<size_t>(std::lower_bound(samples.begin(), samples.end(), along) -
                                 samples.begin());
    };
    for (const int m : interchanges) {
      const double p = m * kCellMeters;
      const double c = centre(p);
      auto attach = [&](double across) {
        return horizontal ? AttachToVertical(m, across) : AttachToHorizontal(m, across);
      };
      const size_t before = sample_index(p - 400), after = sample_index(p + 400);
      const int64_t forward_terminal = attach(c + right * 150);
      const int64_t backward_terminal = attach(c - right * 150);
      const int64_t ramps[4][3] = {
          {forward[before], add_node(p - 150, c + right * 90), forward_terminal},
          {forward_terminal, add_node(p + 150, c + right * 90), forward[after]},
          {backward[after], add_node(p + 150, c - right * 90), backward_terminal},
          {backward_terminal, add_node(p - 150, c - right * 90), backward[before]},
      };
      for (const auto& ramp : ramps) net_.AddWay(ramp, Kind::kMotorwayLink, -1, ref);
    }
    std::reverse(backward.begin(), backward.end());
    net_.AddChunkedWays(forward, Kind::kMotorway, rng, 10, kMaxWayNodes, -1, ref);
    net_.AddChunkedWays(backward, Kind::kMotorway, rng, 10, kMaxWayNodes, -1, ref);
  }

  // Joins each arterial line's crossings and attachments, in order, into ways.
  void BuildArterialWays() {
    Rng rng(Hash(options_.seed, 5));
    auto kind_of = [](int line) {
      return line % 10 == 0 ? Kind::kPrimary : line % 5 == 0 ? Kind::kSecondary : Kind::kTertiary;
    };
    std::vector<int64_t> refs;
    auto append_sorted = [&](std::vector<Attachment>& segment) {
      std::sort(segment.begin(), segment.end(), [](const Attachment& a, const Attachment& b) {
        return a.offset != b.offset ? a.offset < b.offset : a.id < b.id;
      });
      for (const Attachment& attachment : segment) refs.push_back(attachment.id);
    };
    // Arterial line `line`: vertical (x = line * kCellMeters) or horizontal (y = ...).
    auto add_line = [&](bool vertical, int line) {
      refs.clear();
      for (int k = 0; k < (vertical ? ny_ : nx_); ++k) {
        refs.push_back(vertical ? Crossing(line, k) : Crossing(k, line));
        append_sorted(vertical ? vertical_[static_cast<size_t>(line) * ny_ + k]
                               : horizontal_[static_cast<size_t>(line) * nx_ + k]);
      }
      refs.push_back(vertical ? Crossing(line, ny_) : Crossing(nx_, line));
      net_.AddChunkedWays(
          refs, kind_of(line), rng, 10, kMaxWayNodes,
          net_.AddName((vertical ? "Line " : "Mile ") + std::to_string(line) + " Road"));
    };
    for (int i = 0; i <= nx_; ++i) add_line(true, i);
    for (int j = 0; j <= ny_; ++j) add_line(false, j);
  }

  const Options& options_;
  Network net_;
  const int nx_, ny_;
  std::vector<int64_t> crossings_;
  std::vector<std::vector<Attachment>> vertical_;    // line i, segment j: [i * ny_ + j]
  std::vector<std::vector<Attachment>> horizontal_;  // line j, segment i: [j * nx_ + i]
  std::vector<CellKind> cells_;
  std::vector<double> score_;
  std::vector<int> cell_order_;  // most town-like first
  std::vector<int> urban_;       // in the order they were built
  std::vector<int> islands_;
  std::vector<int> motorway_rows_, motorway_cols_;
};

// Population points: one per island, then mostly in town cells (more in the first, most
// central ones), the rest anywhere on the mainland. Facilities: near the centres of town cells.
inline void Generator::WriteCsvs(const std::string& points_path,
                                 const std::string& facilities_path) const {
  const Frame& frame = net_.frame();
  char line[160];
  auto lon_lat = [&](double x, double y) { return frame.LonLat(x, y); };

  std::ofstream points(points_path);
  points << "id,population,lat,lon\n";
  Rng rng(Hash(options_.seed, 6));
  int written = 0;
  auto write_point = [&](double x, double y, int population) {
    const auto [lon, lat] = lon_lat(x, y);
    std::snprintf(line, sizeof line, "P%06d,%d,%.7f,%.7f\n", ++written, population, lat, lon);
    points << line;
  };
  for (const int cell : islands_) {
    write_point((CellI(cell) + 0.5) * kCellMeters, (CellJ(cell) + 0.5) * kCellMeters,
                rng.Int(40, 100));
  }
  while (written < kPopulationPoints) {
    int cell;
    int population;
    if (!urban_.empty() && rng.Chance(0.85)) {
      const double u = rng.Uniform();
      cell = urban_[static_cast<size_t>(u * std::sqrt(u) * urban_.size())];
      population = 200 + static_cast<int>(2200 * rng.Uniform() * rng.Uniform());
    } else {
      cell = rng.Int(0, static_cast<int>(cells_.size()) - 1);
      if (cells_[cell] == CellKind::kIsland) continue;
      population = 20 + rng.Int(0, 400);
    }
    write_point((CellI(cell) + rng.Uniform(0.01, 0.99)) * kCellMeters,
                (CellJ(cell) + rng.Uniform(0.01, 0.99)) * kCellMeters, population);
  }

  std::ofstream facilities(facilities_path);
  facilities << "ID,NAME,LATITUDE,LONGITUDE\n";
  for (int f = 1; f <= kFacilities; ++f) {
    const double u = rng.Uniform();
    const int cell = urban_.empty() ? rng.Int(0, static_cast<int>(cells_.size()) - 1)
                                    : urban_[static_cast<size_t>(u * u * urban_.size())];
    const auto [lon, lat] = lon_lat((CellI(cell) + rng.Uniform(0.2, 0.8)) * kCellMeters,
                                    (CellJ(cell) + rng.Uniform(0.2, 0.8)) * kCellMeters);
    std::snprintf(line, sizeof line, "F%04d,Synthetic Hospital %04d,%.7f,%.7f\n", f, f, lat, lon);
    facilities << line;
  }
}

}  // namespace carereach::synthetic_osm

#endif  // CAREREACH_BENCH_SYNTHETIC_OSM_GENERATOR_H_

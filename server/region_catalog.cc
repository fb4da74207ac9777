#include "server/region_catalog.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "geo/access/adequacy.h"
#include "geo/core/checked_sum.h"
#include "geo/core/quote.h"
#include "geo/core/status_macros.h"
#include "geo/io/census.h"
#include "geo/io/telehealth.h"
#include "geo/roads/graph_cache.h"
#include "geo/routing/network_cache.h"

namespace carereach {
namespace {

// Collects the first text-format parse error with its position.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty())
      error_ = absl::StrFormat("line %d column %d: %s", line + 1, column + 1, message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string PopulationFile(const v1::RegionsConfig& config, const v1::RegionConfig& region) {
  return region.population_file().empty() ? config.default_population_file()
                                          : region.population_file();
}

absl::Status CheckFile(const std::string& data_dir, const std::string& relative,
                       const std::string& what) {
  if (relative.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": no file given"));
  }
  const std::filesystem::path path = std::filesystem::path(data_dir) / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(
        absl::StrFormat("%s: %s not found (data directory %s)", what, path.string(), data_dir));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RegionsConfig> RegionCatalog::ParseConfig(std::string_view text,
                                                             std::string_view source,
                                                             const std::string& data_dir) {
  v1::RegionsConfig config;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &config)) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s", source, errors.error()));
  }
  if (config.region().empty()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: no region is configured", source));
  }
  RETURN_IF_ERROR(CheckFile(data_dir, config.county_table_file(),
                            absl::StrCat(std::string(source), ": county_table_file")));
  if (!config.county_boundaries_file().empty()) {
    RETURN_IF_ERROR(CheckFile(data_dir, config.county_boundaries_file(),
                              absl::StrCat(std::string(source), ": county_boundaries_file")));
  }
  for (int i = 0; i < config.standards_set_size(); ++i) {
    const v1::StandardsSetConfig& sc = config.standards_set(i);
    const std::string field = absl::StrFormat("%s: standards_set[%d]", source, i);
    if (sc.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".name: is empty"));
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(std::filesystem::path(data_dir) / sc.dir(), ec)) {
      return absl::NotFoundError(
          absl::StrFormat("%s.dir: %s not found under %s", field, sc.dir(), data_dir));
    }
  }
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < config.region_size(); ++i) {
    const v1::RegionConfig& r = config.region(i);
    const std::string field = absl::StrFormat("%s: region[%d]", source, i);
    if (!ValidName(r.name())) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.name: \"%s\" must be 1-64 of a-z, 0-9, '-', '_'", field, r.name()));
    }
    if (!names.insert(r.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.name: \"%s\" is configured twice", field, r.name()));
    }
    const bool has_lists = !r.state_fips().empty() || !r.county_fips().empty();
    if (r.all_units() == has_lists) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s (%s): give either all_units or state_fips/county_fips", field, r.name()));
    }
    RETURN_IF_ERROR(
        CheckFile(data_dir, PopulationFile(config, r), absl::StrCat(field, ".population_file")));
    if (!r.roads_file().empty()) {
      RETURN_IF_ERROR(CheckFile(data_dir, r.roads_file(), absl::StrCat(field, ".roads_file")));
    }
  }
  return config;
}

absl::StatusOr<std::unique_ptr<RegionCatalog>> RegionCatalog::Load(const v1::RegionsConfig& config,
                                                                   const std::string& data_dir,
                                                                   const LogFn& log) {
  const auto full_path = [&](const std::string& relative) {
    return (std::filesystem::path(data_dir) / relative).string();
  };
  const absl::Time start = absl::Now();

  io::LoadReport county_report;
  ASSIGN_OR_RETURN(std::vector<io::CountyRecord> county_table,
                   io::LoadCountyTable(full_path(config.county_table_file()), &county_report));
  log(county_report.Summary());

  // Each population file is read once, however many regions use it.
  absl::flat_hash_map<std::string, std::vector<io::PopulationUnit>> units_by_file;
  auto catalog = std::make_unique<RegionCatalog>();
  for (const v1::StandardsSetConfig& sc : config.standards_set()) {
    std::vector<io::LoadReport> reports;
    ASSIGN_OR_RETURN(io::StandardsSet set,
                     io::StandardsSet::Load(full_path(sc.dir()), sc.name(), &reports));
    for (const io::LoadReport& r : reports) log(r.Summary());
    ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> telehealth,
                     io::ParseTelehealthEligible(io::DefaultTelehealthEligibleCsv(),
                                                 "deploy/standards/telehealth_eligible.csv"));
    log(absl::StrFormat("standards set %s: %d counties, %d specialty types", sc.name(),
                        set.counties().size(), set.specialties().size()));
    catalog->standards_.push_back(
        std::make_unique<const Standards>(Standards{std::move(set), std::move(telehealth)}));
  }

  for (const v1::RegionConfig& r : config.region()) {
    const std::string population_file = PopulationFile(config, r);
    auto it = units_by_file.find(population_file);
    if (it == units_by_file.end()) {
      io::LoadReport report;
      ASSIGN_OR_RETURN(std::vector<io::PopulationUnit> units,
                       io::LoadTractCentres(full_path(population_file), &report));
      log(report.Summary());
      it = units_by_file.emplace(population_file, std::move(units)).first;
    }
    access::RegionSelector selector{.state_fips = {r.state_fips().begin(), r.state_fips().end()},
                                    .county_fips = {r.county_fips().begin(), r.county_fips().end()},
                                    .all_units = r.all_units()};
    ASSIGN_OR_RETURN(access::Region region,
                     access::BuildRegion(r.name(), r.description(), population_file, selector,
                                         it->second, county_table));
    log(absl::StrFormat("region %s: %d counties, %d tracts, population %d", region.name,
                        region.counties.size(), region.units.size(), region.total_population));
    catalog->regions_.push_back(std::make_unique<const access::Region>(std::move(region)));
    catalog->outlines_.emplace_back();
    RoadState roads;
    roads.roads_source = r.roads_file();
    roads.phase = r.roads_file().empty() ? RoadState::Phase::kNone : RoadState::Phase::kLoading;
    absl::MutexLock lock(&catalog->mu_);
    catalog->roads_.push_back(std::move(roads));
  }

  if (!config.county_boundaries_file().empty()) {
    RETURN_IF_ERROR(catalog->LoadOutlines(full_path(config.county_boundaries_file()), log));
  }

  // Consistency check: tract sums against the county table, per county of any region.
  absl::flat_hash_map<std::string, int64_t> tract_sum;
  for (const auto& [file, units] : units_by_file) {
    if (file != config.default_population_file()) continue;
    for (const io::PopulationUnit& u : units) {
      // Checked: a data file with absurd counts is warned about, not summed into a wrapped total.
      if (absl::Status added = geo::CheckedAdd(u.population, &tract_sum[u.county_fips],
                                               absl::StrFormat("county %s", u.county_fips));
          !added.ok()) {
        log(absl::StrFormat("warning: %s", added.message()));
      }
    }
  }
  int mismatches = 0;
  for (const io::CountyRecord& c : county_table) {
    auto it = tract_sum.find(c.fips);
    if (it != tract_sum.end() && it->second != c.population_2020 && ++mismatches <= 5) {
      log(absl::StrFormat("warning: county %s: tracts sum to %d, county table says %d", c.fips,
                          it->second, c.population_2020));
    }
  }
  log(absl::StrFormat("loaded %d regions in %.2f s", catalog->regions_.size(),
                      absl::ToDoubleSeconds(absl::Now() - start)));
  return catalog;
}

absl::StatusOr<const RegionCatalog::Standards*> RegionCatalog::FindStandards(
    std::string_view name) const {
  std::vector<std::string> names;
  for (const auto& s : standards_) {
    if (name.empty() || s->set.name() == name) return s.get();
    names.push_back(s->set.name());
  }
  return absl::NotFoundError(absl::StrFormat("standards_set: %s is not loaded; loaded sets: %s",
                                             QuoteForError(name),
                                             names.empty() ? "none" : absl::StrJoin(names, ", ")));
}

RegionCatalog::RoadState RegionCatalog::Roads(size_t region_index) const {
  absl::MutexLock lock(&mu_);
  return roads_.at(region_index);
}

size_t RegionCatalog::IndexOf(const access::Region* region) const {
  for (size_t i = 0; i < regions_.size(); ++i) {
    if (regions_[i].get() == region) return i;
  }
  return regions_.size();
}

absl::StatusOr<std::shared_ptr<const access::DriveRegion>> RegionCatalog::DriveRegionOf(
    size_t region_index) const {
  const RoadState roads = Roads(region_index);
  const std::string& name = regions_[region_index]->name;
  switch (roads.phase) {
    case RoadState::Phase::kReady:
      return roads.drive;
    case RoadState::Phase::kLoading:
      return absl::UnavailableError(
          absl::StrFormat("region %s: the road network is still loading; retry shortly", name));
    case RoadState::Phase::kFailed:
      return absl::FailedPreconditionError(
          absl::StrFormat("region %s: the road network failed to load: %s", name, roads.error));
    case RoadState::Phase::kNone:
      break;
  }
  return absl::FailedPreconditionError(absl::StrFormat(
      "mode: region %s has no road network; use straight-line mode (regions with roads: see "
      "ListRegions)",
      name));
}

void RegionCatalog::LoadRoads(const std::string& data_dir, const std::string& cache_dir,
                              const roads::SpeedProfile& profile,
                              const routing::RoadNetwork::Options& network_options,
                              const LogFn& log,
                              const std::function<void(const std::string&, bool)>& on_change,
                              const std::function<bool()>& stop) {
  for (size_t i = 0; i < regions_.size(); ++i) {
    if (stop && stop()) return;
    const RoadState state = Roads(i);
    if (state.phase != RoadState::Phase::kLoading) continue;
    const access::Region& region = *regions_[i];
    const absl::Time start = absl::Now();
    const std::string osm = (std::filesystem::path(data_dir) / state.roads_source).string();
    const std::string cache =
        cache_dir.empty() ? std::string()
                          : (std::filesystem::path(cache_dir) /
                             (std::filesystem::path(state.roads_source).filename().string() + "." +
                              profile.name() + ".graph"))
                                .string();
    // Graph and snap index from the cache's sections (each rebuilt alone when stale or bad).
    absl::StatusOr<std::unique_ptr<const routing::RoadNetwork>> loaded =
        routing::LoadOrBuildRoadNetwork(osm, profile, cache, network_options, log);
    RoadState next = state;
    if (loaded.ok()) {
      std::shared_ptr<const routing::RoadNetwork> network = *std::move(loaded);
      auto drive = std::make_shared<const access::DriveRegion>(
          access::BuildDriveRegion(region, std::move(network)));
      int unsnapped = 0;
      for (const auto& snap : drive->unit_snaps) unsnapped += !snap.has_value();
      next.phase = RoadState::Phase::kReady;
      next.drive = std::move(drive);
      log(
          absl::StrFormat("region %s: road network ready in %.2f s (%d of %d units more than "
                          "%.0f km from any road)",
                          region.name, absl::ToDoubleSeconds(absl::Now() - start), unsnapped,
                          region.units.size(), access::DriveRegion::kMaxSnapMeters / 1000));
    } else {
      next.phase = RoadState::Phase::kFailed;
      next.error = loaded.status().ToString();
      log(absl::StrFormat("region %s: road network FAILED: %s", region.name, next.error));
    }
    {
      absl::MutexLock lock(&mu_);
      roads_[i] = next;
    }
    on_change(region.name, next.phase == RoadState::Phase::kReady);
  }
}

absl::Status RegionCatalog::LoadOutlines(const std::string& path, const LogFn& log) {
  io::LoadReport report;
  ASSIGN_OR_RETURN(std::vector<io::CountyBoundary> all, io::LoadCountyBoundaries(path, &report));
  log(report.Summary());
  absl::flat_hash_map<std::string, size_t> by_fips;
  for (size_t i = 0; i < all.size(); ++i) by_fips.emplace(all[i].fips, i);
  for (size_t r = 0; r < regions_.size(); ++r) {
    std::vector<std::string> missing;
    for (const access::County& c : regions_[r]->counties) {
      const auto it = by_fips.find(c.fips);
      if (it == by_fips.end()) {
        missing.push_back(c.fips);
      } else {
        outlines_[r].push_back(all[it->second]);
      }
    }
    if (!missing.empty()) {
      log(absl::StrFormat("region %s: no outline for %d of its counties in %s: %s",
                          regions_[r]->name, missing.size(), path, absl::StrJoin(missing, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const access::Region*> RegionCatalog::Find(std::string_view name) const {
  for (const auto& r : regions_) {
    if (r->name == name) return r.get();
  }
  std::vector<std::string> names;
  for (const auto& r : regions_) names.push_back(r->name);
  return absl::NotFoundError(absl::StrFormat("region: %s is not loaded; loaded regions: %s",
                                             QuoteForError(name), absl::StrJoin(names, ", ")));
}

}  // namespace carereach

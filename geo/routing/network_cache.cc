#include "geo/routing/network_cache.h"

#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/status_macros.h"

namespace carereach::routing {
namespace {

// Reads every array of `section` into `arrays` (which has ForEachArray), in order.
template <typename Arrays>
absl::Status ReadSection(const roads::CacheSectionView& section, uint64_t params_fingerprint,
                         Arrays& arrays) {
  return section.Read(params_fingerprint, [&](roads::CacheSectionReader& reader) {
    absl::Status status;
    arrays.ForEachArray([&](auto& v) {
      if (status.ok()) status = reader.Next(v);
    });
    return status;
  });
}

double SecondsSince(absl::Time start) { return absl::ToDoubleSeconds(absl::Now() - start); }

}  // namespace

absl::StatusOr<std::unique_ptr<const RoadNetwork>> LoadOrBuildRoadNetwork(
    const std::string& osm_path, const roads::SpeedProfile& profile, const std::string& cache_path,
    const NetworkCacheOptions& /*options*/, const std::function<void(std::string_view)>& log) {
  ASSIGN_OR_RETURN(roads::GraphAndSections loaded,
                   roads::LoadOrImportGraphCache(osm_path, profile, cache_path, log,
                                                 /*save_import=*/false));
  bool rewrite = !loaded.from_cache && !cache_path.empty();

  // The snap index: from its section when it is there and valid, built otherwise.
  absl::Time start = absl::Now();
  std::unique_ptr<const RoadNetwork> network;
  absl::Status snap_status = absl::NotFoundError("no snap index section");
  if (!loaded.from_cache) {
    snap_status = absl::NotFoundError("the graph was imported");
  } else if (const roads::CacheSectionView* section = loaded.cache.Find(kSnapIndexSection)) {
    SnapIndex::Arrays arrays;
    snap_status = ReadSection(*section, SnapIndex::ParamsFingerprint(), arrays);
    if (snap_status.ok()) {
      network = RoadNetwork::Create(std::move(loaded.cache.graph), std::move(arrays), &snap_status);
    }
  }
  if (snap_status.ok()) {
    log(absl::StrFormat("%s: snap index loaded from cache in %.3f s (%d pieces, %.1f MB)",
                        osm_path, SecondsSince(start), network->snap_index().piece_count(),
                        network->snap_index().MemoryBytes() / 1e6));
  } else {
    if (loaded.from_cache) {
      log(absl::StrFormat("%s: snap index section not used (%s); building it", osm_path,
                          snap_status.ToString()));
      rewrite = !cache_path.empty();
    }
    start = absl::Now();
    // Create() with refused arrays has already built the index; otherwise build it now.
    if (!network) network = RoadNetwork::Create(std::move(loaded.cache.graph));
    log(absl::StrFormat("%s: snap index built in %.3f s (%d pieces, %.1f MB)", osm_path,
                        SecondsSince(start), network->snap_index().piece_count(),
                        network->snap_index().MemoryBytes() / 1e6));
  }

  if (rewrite) {
    start = absl::Now();
    std::vector<roads::CacheSection> sections(1);
    sections[0].tag = kSnapIndexSection;
    sections[0].params_fingerprint = SnapIndex::ParamsFingerprint();
    network->snap_index().ForEachArray([&](const auto& v) { sections[0].Add(v); });
    if (absl::Status saved =
            roads::SaveRoadGraph(network->graph(), loaded.source_fingerprint,
                                 profile.fingerprint(), cache_path, sections);
        !saved.ok()) {
      log(absl::StrFormat("warning: road network cache not written: %s", saved.ToString()));
    } else {
      log(absl::StrFormat("%s: road network cache written to %s in %.3f s", osm_path, cache_path,
                          SecondsSince(start)));
    }
  }
  return network;
}

}  // namespace carereach::routing

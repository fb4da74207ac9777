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
    const RoadNetwork::Options& options, const std::function<void(std::string_view)>& log) {
  ASSIGN_OR_RETURN(roads::GraphAndSections loaded,
                   roads::LoadOrImportGraphCache(osm_path, profile, cache_path, log,
                                                 /*save_import=*/false));
  const roads::RoadGraph& graph = loaded.cache.graph;
  bool rewrite = !loaded.from_cache && !cache_path.empty();
  // Why a section of the file is not used: the graph was imported, or the section is missing,
  // corrupt, stale or inconsistent. Logged, then the section is rebuilt and the file rewritten.
  const auto not_used = [&](const char* what, const absl::Status& why) {
    if (!loaded.from_cache) return;
    log(absl::StrFormat("%s: %s section not used (%s); building it", osm_path, what,
                        why.ToString()));
    rewrite = !cache_path.empty();
  };

  // The hierarchy, before the graph moves into the network.
  std::unique_ptr<const Hierarchy> hierarchy;
  if (options.build_hierarchy) {
    absl::Time start = absl::Now();
    const uint64_t fingerprint = options.contraction.Fingerprint();
    absl::Status status = absl::NotFoundError("no hierarchy section");
    auto from_file = std::make_unique<Hierarchy>();
    if (const roads::CacheSectionView* section = loaded.cache.Find(kHierarchySection)) {
      status = ReadSection(*section, fingerprint, *from_file);
      if (status.ok()) status = from_file->Validate(graph.node_count());
    }
    if (loaded.from_cache && status.ok()) {
      hierarchy = std::move(from_file);
      log(absl::StrFormat("%s: hierarchy loaded from cache in %.3f s (%d arcs, %.1f MB)", osm_path,
                          SecondsSince(start), hierarchy->arc_count(),
                          hierarchy->MemoryBytes() / 1e6));
    } else {
      from_file.reset();
      not_used("hierarchy", status);
      start = absl::Now();
      ASSIGN_OR_RETURN(Hierarchy built, BuildHierarchy(graph, options.contraction, log));
      hierarchy = std::make_unique<const Hierarchy>(std::move(built));
      log(absl::StrFormat("%s: hierarchy built in %.2f s (%d arcs, %.1f MB)", osm_path,
                          SecondsSince(start), hierarchy->arc_count(),
                          hierarchy->MemoryBytes() / 1e6));
    }
  }

  // The snap index: from its section when it is there and valid, built otherwise.
  absl::Time start = absl::Now();
  std::unique_ptr<const RoadNetwork> network;
  absl::Status snap_status = absl::NotFoundError("no snap index section");
  if (const roads::CacheSectionView* section = loaded.cache.Find(kSnapIndexSection)) {
    SnapIndex::Arrays arrays;
    snap_status = ReadSection(*section, SnapIndex::ParamsFingerprint(), arrays);
    if (snap_status.ok()) {
      // Checks the arrays against the graph; builds the index when they are refused.
      network = RoadNetwork::Create(std::move(loaded.cache.graph), std::move(hierarchy),
                                    std::move(arrays), &snap_status);
    }
  }
  if (snap_status.ok()) {
    log(absl::StrFormat("%s: snap index loaded from cache in %.3f s (%d pieces, %.1f MB)", osm_path,
                        SecondsSince(start), network->snap_index().piece_count(),
                        network->snap_index().MemoryBytes() / 1e6));
  } else {
    not_used("snap index", snap_status);
    start = absl::Now();
    if (!network)
      network = RoadNetwork::Create(std::move(loaded.cache.graph), std::move(hierarchy));
    log(absl::StrFormat("%s: snap index built in %.3f s (%d pieces, %.1f MB)", osm_path,
                        SecondsSince(start), network->snap_index().piece_count(),
                        network->snap_index().MemoryBytes() / 1e6));
  }

  if (rewrite) {
    start = absl::Now();
    std::vector<roads::CacheSection> sections;
    if (const Hierarchy* h = network->hierarchy()) {
      roads::CacheSection& s = sections.emplace_back();
      s.tag = kHierarchySection;
      s.params_fingerprint = options.contraction.Fingerprint();
      const_cast<Hierarchy*>(h)->ForEachArray([&](const auto& v) { s.Add(v); });  // reads only
    }
    roads::CacheSection& s = sections.emplace_back();
    s.tag = kSnapIndexSection;
    s.params_fingerprint = SnapIndex::ParamsFingerprint();
    network->snap_index().ForEachArray([&](const auto& v) { s.Add(v); });
    if (absl::Status saved = roads::SaveRoadGraph(network->graph(), loaded.source_fingerprint,
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

"""Names of the pair-feature columns, shared by features, ranker and explanations."""

from __future__ import annotations

# Geography, size and economy (features/geo.py)
DISTANCE_KM = "distance_km"
LOG_DISTANCE = "log_distance"
SAME_COUNTRY = "same_country"
SAME_CONTINENT = "same_continent"
SAME_WB_REGION = "same_wb_region"
INCOME_GAP = "income_gap"
TZ_DIFF_HOURS = "tz_diff_hours"
LOG_POP_RATIO = "log_pop_ratio"
QUERY_LOG_POP = "query_log_pop"
CANDIDATE_LOG_POP = "candidate_log_pop"
# log10 of the population rank within the country and within the admin region (0: the largest)
QUERY_LOG_RANK = "query_log_rank"
CANDIDATE_LOG_RANK = "candidate_log_rank"
LOG_RANK_DIFF = "log_rank_diff"
QUERY_LOG_ADMIN_RANK = "query_log_admin_rank"
CANDIDATE_LOG_ADMIN_RANK = "candidate_log_admin_rank"
# 1 when both cities bear the same name (Córdoba and Córdoba, Perth and Perth)
SAME_NAME = "same_name"

GEO_COLUMNS: tuple[str, ...] = (
    DISTANCE_KM,
    LOG_DISTANCE,
    SAME_COUNTRY,
    SAME_CONTINENT,
    SAME_WB_REGION,
    INCOME_GAP,
    TZ_DIFF_HOURS,
    LOG_POP_RATIO,
    QUERY_LOG_POP,
    CANDIDATE_LOG_POP,
    QUERY_LOG_RANK,
    CANDIDATE_LOG_RANK,
    LOG_RANK_DIFF,
    QUERY_LOG_ADMIN_RANK,
    CANDIDATE_LOG_ADMIN_RANK,
    SAME_NAME,
)

# Graph indices from training links (features/graph.py)
QUERY_DEGREE = "query_degree"
CANDIDATE_DEGREE = "candidate_degree"
COMMON_NEIGHBOURS = "common_neighbours"
ADAMIC_ADAR = "adamic_adar"
RESOURCE_ALLOCATION = "resource_allocation"
PATHS3 = "paths3"
SHARED_GROUPS = "shared_groups"
CANDIDATE_GROUPS = "candidate_groups"

GRAPH_COLUMNS: tuple[str, ...] = (
    QUERY_DEGREE,
    CANDIDATE_DEGREE,
    COMMON_NEIGHBOURS,
    ADAMIC_ADAR,
    RESOURCE_ALLOCATION,
    PATHS3,
    SHARED_GROUPS,
    CANDIDATE_GROUPS,
)

# Country, grid-cell and admin-region (GeoNames admin1) affinities from training links (features/graph.py)
COUNTRY_PAIR_LINKS = "country_pair_links"
COUNTRY_PAIR_AFFINITY = "country_pair_affinity"
REGION_PAIR_LINKS = "region_pair_links"
REGION_PAIR_AFFINITY = "region_pair_affinity"
LOCAL_PAIR_AFFINITY = "local_pair_affinity"
CANDIDATE_COUNTRY_SHARE = "candidate_country_share"
ADMIN_PAIR_LINKS = "admin_pair_links"
ADMIN_PAIR_AFFINITY = "admin_pair_affinity"
CANDIDATE_ADMIN_SHARE = "candidate_admin_share"

AFFINITY_COLUMNS: tuple[str, ...] = (
    COUNTRY_PAIR_LINKS,
    COUNTRY_PAIR_AFFINITY,
    REGION_PAIR_LINKS,
    REGION_PAIR_AFFINITY,
    LOCAL_PAIR_AFFINITY,
    CANDIDATE_COUNTRY_SHARE,
    ADMIN_PAIR_LINKS,
    ADMIN_PAIR_AFFINITY,
    CANDIDATE_ADMIN_SHARE,
)

# Links between the neighbourhoods (k nearest towns) of query and candidate (features/graph.py)
NEAR_QUERY_LINKS_CANDIDATE = "near_query_links_candidate"
QUERY_PARTNER_NEAR_CANDIDATE = "query_partner_near_candidate"
NEAR_LINKS_NEAR = "near_links_near"
QUERY_LINKS_CANDIDATE_COUNTRY = "query_links_candidate_country"
CANDIDATE_LINKS_QUERY_COUNTRY = "candidate_links_query_country"
NEAR_CANDIDATE_LINKS_QUERY_COUNTRY = "near_candidate_links_query_country"
NEAR_QUERY_LINKS_CANDIDATE_COUNTRY = "near_query_links_candidate_country"

REGIONAL_COLUMNS: tuple[str, ...] = (
    NEAR_QUERY_LINKS_CANDIDATE,
    QUERY_PARTNER_NEAR_CANDIDATE,
    NEAR_LINKS_NEAR,
    QUERY_LINKS_CANDIDATE_COUNTRY,
    CANDIDATE_LINKS_QUERY_COUNTRY,
    NEAR_CANDIDATE_LINKS_QUERY_COUNTRY,
    NEAR_QUERY_LINKS_CANDIDATE_COUNTRY,
)

# The same at a wider scale (more towns per neighbourhood); the two columns that do not
# depend on neighbourhoods are not repeated.
WIDE_PREFIX = "wide_"
WIDE_REGIONAL_SOURCE: tuple[str, ...] = (
    NEAR_QUERY_LINKS_CANDIDATE,
    QUERY_PARTNER_NEAR_CANDIDATE,
    NEAR_LINKS_NEAR,
    NEAR_CANDIDATE_LINKS_QUERY_COUNTRY,
    NEAR_QUERY_LINKS_CANDIDATE_COUNTRY,
)
WIDE_REGIONAL_COLUMNS: tuple[str, ...] = tuple(WIDE_PREFIX + c for c in WIDE_REGIONAL_SOURCE)

# Text, sectors and role (features/pairs.py)
NEEDS_TRACK_SIMILARITY = "needs_track_similarity"
NEEDS_PROFILE_SIMILARITY = "needs_profile_similarity"
SECTOR_JACCARD = "sector_jaccard"
ROLE_FIT = "role_fit"

TEXT_COLUMNS: tuple[str, ...] = (
    NEEDS_TRACK_SIMILARITY,
    NEEDS_PROFILE_SIMILARITY,
    SECTOR_JACCARD,
    ROLE_FIT,
)

ALL_COLUMNS: tuple[str, ...] = (
    GEO_COLUMNS + GRAPH_COLUMNS + AFFINITY_COLUMNS + REGIONAL_COLUMNS + WIDE_REGIONAL_COLUMNS + TEXT_COLUMNS
)

# Features a query has only when it is a known city with links; the cold-start
# model never sees them.
QUERY_GRAPH_COLUMNS: tuple[str, ...] = (
    QUERY_DEGREE,
    COMMON_NEIGHBOURS,
    ADAMIC_ADAR,
    RESOURCE_ALLOCATION,
    PATHS3,
    SHARED_GROUPS,
    ROLE_FIT,
    QUERY_PARTNER_NEAR_CANDIDATE,
    QUERY_LINKS_CANDIDATE_COUNTRY,
    WIDE_PREFIX + QUERY_PARTNER_NEAR_CANDIDATE,
)
COLD_COLUMNS: tuple[str, ...] = tuple(c for c in ALL_COLUMNS if c not in QUERY_GRAPH_COLUMNS)

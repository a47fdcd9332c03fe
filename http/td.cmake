# kagami_td: the Thing Description builder (plain C++, no Beast). Included
# from http/CMakeLists.txt.
add_library(kagami_td STATIC ${CMAKE_CURRENT_LIST_DIR}/td_builder.cpp)
target_link_libraries(kagami_td
  PUBLIC kagami_config kagami_error nlohmann_json::nlohmann_json caf::core)

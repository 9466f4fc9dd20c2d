# docket-hook: the webhook and mail bridge, a client of libdocket's durable cursors.
find_package(Threads REQUIRED)

add_executable(docket_hook hook.c hook_config.c hook_value.c hook_target.c hook_event.c hook_sign.c
                           hook_webhook.c hook_mail.c hook_message.c)
set_target_properties(docket_hook PROPERTIES OUTPUT_NAME docket-hook)
# docket_proto for the protocol's dates (the since key, the times in a message);
# libcurl speaks HTTP and SMTP, libsodium signs, jansson reads the events' JSON.
target_link_libraries(docket_hook PRIVATE docket docket_proto docket_log PkgConfig::CURL PkgConfig::SODIUM
                                          PkgConfig::INIH PkgConfig::JANSSON Threads::Threads m)

install(TARGETS docket_hook RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/man/docket-hook.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

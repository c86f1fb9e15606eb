
/*
 * authgw-token: each command's options and help text (tools/usage.c).
 */


#ifndef _AUTHGW_USAGE_H_INCLUDED_
#define _AUTHGW_USAGE_H_INCLUDED_


#include <stdio.h>


void usage_tool(FILE *f);
int usage_command(const char *cmd, int argc, char **argv);
void usage_error(const char *cmd, const char *msg, const char *arg);


#endif /* _AUTHGW_USAGE_H_INCLUDED_ */


/*
 * authgw-token check: a token verified offline by the module's own core,
 * with the options of a location (tools/check.c).
 */


#ifndef _AUTHGW_CHECK_H_INCLUDED_
#define _AUTHGW_CHECK_H_INCLUDED_


/* the exit codes of check */
#define CHECK_ACCEPTED      0
#define CHECK_REFUSED_401   1
#define CHECK_USAGE         2
#define CHECK_REFUSED_403   3
#define CHECK_INTERNAL      4


extern const char  check_help[];

int cmd_check(int argc, char **argv);


#endif /* _AUTHGW_CHECK_H_INCLUDED_ */

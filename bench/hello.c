/*
 * The fastest page this stack can serve: a FastCGI "hello" with no
 * database and no template. bench/run measures it behind the same nginx as
 * the customer list, so the ratio shows what Fidèle's own work costs.
 */
#include <fcgiapp.h>

int
main(void)
{
	FCGX_Request request;

	FCGX_Init();
	FCGX_InitRequest(&request, 0, 0);
	while (FCGX_Accept_r(&request) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n", request.out);
		FCGX_Finish_r(&request);
	}
	return 0;
}

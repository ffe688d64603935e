-- AlterTable
ALTER TABLE "Invitation" DROP CONSTRAINT "Invitation_pkey",
ADD CONSTRAINT "Invitation_pkey" PRIMARY KEY ("teamId", "id");
